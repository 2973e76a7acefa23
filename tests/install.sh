#!/bin/sh
# install.sh: 'make install' into a temporary DESTDIR, then the installed
# tree used as a user would: the program (with no source tree or
# CCHC_RULES to lean on) on a bundled sample, a small C program built
# against the installed header and library through pkg-config, the manual
# page; then 'make uninstall' leaves no file behind.  make check runs it
# from the top of the tree with MAKE, BUILD, CC and OPT (the compiler
# flags, sanitizers included) set; SAN reaches the inner make through
# MAKEFLAGS.
set -eu
MAKE=${MAKE:-make}
BUILD=${BUILD:-build}
CC=${CC:-cc}
OPT=${OPT:-}
top=$PWD
# A prefix that exists nowhere: the rules path compiled into the installed
# program leads nowhere, so it can only find the rules installed beside it.
prefix=/nonexistent/cchc-install-test
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dest=$root/dest$prefix
fail() {
  echo "install.sh: $*" >&2
  exit 1
}

$MAKE --no-print-directory install BUILD="$BUILD" PREFIX=$prefix \
  DESTDIR="$root/dest" INSTALL_OBJ="$root/obj" PC_FILE="$root/obj/cchc.pc" \
  > "$root/make.log" 2>&1 ||
  { cat "$root/make.log"; fail "make install failed"; }
for f in bin/cchc lib/libcchc.a include/cchc.h lib/pkgconfig/cchc.pc \
         share/man/man1/cchc.1; do
  [ -f "$dest/$f" ] || fail "$f is not installed"
done
for f in "$top"/rules/*; do
  cmp -s "$f" "$dest/share/cchc/rules/${f##*/}" ||
    fail "rules/${f##*/} is not installed as share/cchc/rules/${f##*/}"
done
echo "installed under DESTDIR: program, library, header, cchc.pc, man page, rules"

# The installed program, run from elsewhere: the same frame as the
# program of the build tree.
sample=$top/samples/nghia_trung_2026.txt
(cd "$root" && env -u CCHC_RULES "$dest/bin/cchc" extract -f csv "$sample" \
  > installed.csv) || fail "the installed cchc extract failed"
env -u CCHC_RULES "$BUILD/cchc" extract -f csv "$sample" > "$root/built.csv" ||
  fail "$BUILD/cchc extract failed"
cmp -s "$root/installed.csv" "$root/built.csv" ||
  fail "the installed cchc writes another frame than $BUILD/cchc"
# One row per target: "source_path","place","year","t1",...
targets=$(grep -c '^"[^"]*","[^"]*","[^"]*","t[0-9]*",' "$root/built.csv") ||
  fail "no target in the frame of $sample"
echo "installed cchc extract: the frame of the build tree's program, $targets targets"

# It found the rules installed beside it: without them it stops (exit 2).
mv "$dest/share/cchc/rules" "$root/rules.moved"
rc=0
(cd "$root" && env -u CCHC_RULES "$dest/bin/cchc" extract "$sample") \
  > /dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] ||
  fail "without share/cchc/rules the installed cchc exits $rc, not 2"
mv "$root/rules.moved" "$dest/share/cchc/rules"
echo "installed cchc: uses share/cchc/rules beside its bin/"

# pkg-config finds the installed library.  Its prefix is moved under
# DESTDIR (PKG_CONFIG_SYSROOT_DIR would move the system libraries' paths,
# such as libxml2's include directory, too).
export PKG_CONFIG_PATH="$dest/lib/pkgconfig"
version=$(pkg-config --modversion cchc) || fail "pkg-config finds no cchc"
[ "cchc $version" = "$("$dest/bin/cchc" --version)" ] ||
  fail "cchc.pc says version $version, cchc --version otherwise"
flags=$(pkg-config --define-variable=prefix="$dest" --cflags --libs --static \
  cchc) || fail "pkg-config --cflags --libs --static cchc failed"
cat > "$root/use.c" <<'EOF'
/* The one-call pipeline on a plan: its place and number of targets. */
#include <cchc.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  static char bytes[1 << 20];
  FILE *fp = argc == 3 ? fopen(argv[2], "rb") : NULL;
  if (!fp)
    return 1;
  size_t len = fread(bytes, 1, sizeof bytes, fp);
  fclose(fp);
  cchc_rules *rules = NULL;
  cchc_frame *frame = NULL;
  cchc_error err = {0};
  if (cchc_rules_load(argv[1], &rules, &err) != CCHC_OK ||
      cchc_process(rules, bytes, len, NULL, &frame, &err) != CCHC_OK)
    return 1;
  const char *place = cchc_frame_document(frame, CCHC_DOC_PLACE);
  printf("%s %zu\n", place ? place : "-", cchc_frame_targets(frame));
  cchc_frame_free(frame);
  cchc_rules_free(rules);
  return 0;
}
EOF
# shellcheck disable=SC2086 # $flags and $OPT are lists of words
$CC $OPT -o "$root/use" "$root/use.c" $flags > "$root/cc.log" 2>&1 ||
  { cat "$root/cc.log"; fail "use.c does not build with: $flags"; }
got=$("$root/use" "$dest/share/cchc/rules" "$sample") ||
  fail "use.c: cchc_process failed on $sample"
[ "$got" = "Nghĩa Trung $targets" ] ||
  fail "use.c prints '$got', not 'Nghĩa Trung $targets' as cchc extract"
echo "a C program built with pkg-config --static cchc: cchc_process gives '$got'"

# The installed manual page renders without a warning.
page=$dest/share/man/man1/cchc.1
warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1) ||
  fail "groff fails on the installed page"
[ -z "$warnings" ] || fail "groff warns: $warnings"
grep -q "^\.TH CCHC 1 .* \"cchc $version\"" "$page" ||
  fail "the manual page's .TH line does not say cchc $version"
MANWIDTH=80 man -l "$page" 2>/dev/null | grep -q '^EXIT STATUS' ||
  fail "man -l renders no EXIT STATUS section"
echo "man -l renders the installed page of cchc $version; groff -ww has no warning"

$MAKE --no-print-directory uninstall BUILD="$BUILD" PREFIX=$prefix \
  DESTDIR="$root/dest" > "$root/make.log" 2>&1 ||
  { cat "$root/make.log"; fail "make uninstall failed"; }
left=$(find "$root/dest" -type f)
[ -z "$left" ] || fail "make uninstall left: $left"
echo "make uninstall: no file left"
