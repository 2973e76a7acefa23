#!/bin/sh
# frames.sh CCHC SHARED OUT: write the JSON frame of every plan that
# test_frames compares (the corpus, its province-national plans, the extra
# plan, the samples and the test plans) to OUT/NAME.json, each extracted
# with its bare file name as the source path.  Run by `make frames` after
# a change that is meant to change frames (and was scored with `cchc eval`).
set -eu
cchc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shared=$(cd "$2" && pwd)
mkdir -p "$3"
out=$(cd "$3" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
for dir in "$shared/corpus" "$shared/corpus/province-national" \
           "$shared/extra" "$root/samples" "$root/tests/data"; do
  for f in "$dir"/*.txt; do
    name=$(basename "$f")
    (cd "$dir" && "$cchc" extract -f json --rules "$root/rules" "$name") \
      > "$out/$name.json"
  done
done
