#!/bin/sh
# Install the Debian packages cchc needs, when pkg-config cannot find them.
# Works on a fresh Debian 12; uses sudo when not root.
#   sh scripts/deps.sh        build and run
#   sh scripts/deps.sh test   also what the tests need: Debian's chromium
#                             (the report is checked in headless Chromium)
#                             and a font with Vietnamese glyphs; groff
#                             and man (the manual page is rendered)
#   sh scripts/deps.sh fuzz   also what 'make fuzz' needs: clang and its
#                             libFuzzer runtime (Debian 12: clang-14,
#                             libclang-rt-14-dev)
set -eu
missing=""
case "${1:-}" in
  test)
    command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
    # DejaVu covers Vietnamese; any font that fontconfig says does is fine
    if ! command -v fc-list >/dev/null 2>&1 ||
       [ -z "$(fc-list :lang=vi family 2>/dev/null)" ]; then
      missing="$missing fonts-dejavu-core"
    fi
    # tests/install.sh renders the installed manual page
    command -v groff >/dev/null 2>&1 || missing="$missing groff-base"
    command -v man >/dev/null 2>&1 || missing="$missing man-db"
    ;;
  fuzz)
    command -v clang >/dev/null 2>&1 || missing="$missing clang"
    if ! command -v clang >/dev/null 2>&1 || [ ! -f "$(clang \
         --print-file-name="libclang_rt.fuzzer-$(uname -m).a")" ]; then
      missing="$missing libclang-rt-14-dev"
    fi
    ;;
  "") ;;
  *) echo "usage: sh scripts/deps.sh [test|fuzz]" >&2; exit 2 ;;
esac
need() { # need PKG-CONFIG-NAME DEBIAN-PACKAGE
  pkg-config --exists "$1" 2>/dev/null || missing="$missing $2"
}
command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
command -v cc >/dev/null 2>&1 || missing="$missing build-essential"
command -v make >/dev/null 2>&1 || missing="$missing make"
need icu-uc libicu-dev
need libpcre2-8 libpcre2-dev
need libxml-2.0 libxml2-dev
need libutf8proc libutf8proc-dev
need check check
need sqlite3 libsqlite3-dev
need jansson libjansson-dev
need libcrypto libssl-dev
# libcsv ships no pkg-config file
[ -f /usr/include/csv.h ] || missing="$missing libcsv-dev"
if [ -z "$missing" ]; then
  exit 0
fi
echo "deps: installing$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing
