#!/usr/bin/env bash
# Builds the libraries programs load: libfamfs_preload.so (LD_PRELOAD, C, Preload/) and, for
# release, a self-contained libfamfsmap.so (Swift standard library linked in statically, its
# symbols hidden: nothing outside the system is needed at run time, and a process that has its
# own Swift runtime is not disturbed by a second, private one).
#
# usage: scripts/build-libs.sh [debug|release] [OUTDIR]
#   debug    the preload into the debug bin directory, next to the libfamfsmap.so `swift build`
#            made there (which uses the toolchain's runtime: fine for tests).
#   release  both into OUTDIR (default: the release bin directory, next to `famfs`), then checks
#            with ldd that they need only system libraries.
# The preload is not a SwiftPM target: SwiftPM links every product with swiftc, which adds
# swiftrt.o and libswiftCore — the runtime this library must not bring into every process.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH
config=${1:-debug}
case $config in debug|release) ;; *) echo "build-libs: config must be debug or release" >&2; exit 2;; esac
out=${2:-$(swift build -c "$config" --show-bin-path)}
mkdir -p "$out"

cc=${CC:-clang}
opt=$([[ $config == release ]] && echo -O2 || echo "-O1 -g")
# shellcheck disable=SC2086
"$cc" -std=gnu11 $opt -fPIC -shared -fvisibility=hidden -Wall -Wextra -Werror -Wl,-z,defs \
    -o "$out/libfamfs_preload.so.tmp" Preload/*.c -ldl -lpthread
mv "$out/libfamfs_preload.so.tmp" "$out/libfamfs_preload.so"

if [[ $config == release ]]; then
    scratch=.build/libs
    swift build -c release --scratch-path "$scratch" --product famfsmap \
        -Xswiftc -static-stdlib -Xlinker --exclude-libs=ALL -Xlinker --gc-sections
    cp "$(swift build -c release --scratch-path "$scratch" --show-bin-path)/libfamfsmap.so" "$out/libfamfsmap.so.tmp"
    mv "$out/libfamfsmap.so.tmp" "$out/libfamfsmap.so"
    for lib in "$out/libfamfs_preload.so" "$out/libfamfsmap.so"; do
        if ldd "$lib" | grep -v -E '^\s*(linux-vdso|/lib64/ld-linux)' | grep -v -E '=> /(usr/)?lib/' | grep -q .; then
            echo "build-libs: $lib needs a library outside the system:" >&2
            ldd "$lib" >&2
            exit 1
        fi
    done
fi
echo "$out/libfamfs_preload.so"
