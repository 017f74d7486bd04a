#!/bin/sh
# Builds codex-sandbox-helper from native/linux statically against musl (Debian's musl-dev,
# x86_64 only), for the comparison with the shipped freestanding build in docs/native.md. Not
# part of the shipped build or of CI. Run from the checkout: scripts/musl-helper.sh [OUT_DIR]
#
# OUT_DIR/helper-musl-start: the same sources, helper-start.cc replaced by musl's start-up
#   (rcrt1.o, libc.a): what musl's process entry costs on its own.
# OUT_DIR/helper-musl-libc: also helper-sys.cc and helper-errno.cc replaced by musl's string
#   functions, calloc and strerror (scripts/musl/helper-libc-musl.cc).
set -eu
out=${1:-build-musl}
musl=/usr/lib/x86_64-linux-musl
[ -f "$musl/rcrt1.o" ] || { echo "musl-helper.sh: $musl/rcrt1.o missing (apt-get install musl-tools)" >&2; exit 1; }
mkdir -p "$out"

# The helper's own compile flags (binding.gyp); the sources include only kernel UAPI headers, so
# the host's /usr/include serves for both C libraries.
flags="-std=c++17 -fno-exceptions -fno-rtti -Wall -Wextra -Werror -fstack-protector-strong -O2
  -fvisibility=hidden -fPIE -ffreestanding -fno-tree-loop-distribute-patterns -mstack-protector-guard=global"
common=""
for src in native/linux/helper-*.cc; do
  name=$(basename "$src" .cc)
  # shellcheck disable=SC2086
  g++ $flags -c "$src" -o "$out/$name.o"
  case $name in
    helper-start) ;;
    helper-sys|helper-errno) ;;
    *) common="$common $out/$name.o" ;;
  esac
done
# musl's headers only, for the one file that uses the C library's declarations.
g++ -std=c++17 -fno-exceptions -fno-rtti -Wall -Wextra -Werror -O2 -fvisibility=hidden -fPIE \
  -fstack-protector-strong -mstack-protector-guard=global \
  -nostdinc -isystem /usr/include/x86_64-linux-musl -isystem "$(g++ -print-file-name=include)" \
  -c scripts/musl/helper-libc-musl.cc -o "$out/helper-libc-musl.o"

own="$out/helper-sys.o $out/helper-errno.o"
link_musl() {
  # shellcheck disable=SC2086
  g++ -nostdlib -static-pie -Wl,-z,relro,-z,now -o "$1" \
    "$musl/rcrt1.o" "$musl/crti.o" $2 "$musl/libc.a" -lgcc "$musl/crtn.o"
}
link_musl "$out/helper-musl-start" "$common $own"
link_musl "$out/helper-musl-libc" "$common $out/helper-libc-musl.o"
strip "$out/helper-musl-start" "$out/helper-musl-libc"
