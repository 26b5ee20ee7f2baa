#!/bin/sh
# Builds libfamfsmap.so (swift build --product famfsmap) and compiles famfs_map_example.c
# against it with gcc. Usage: Examples/build-example.sh [debug|release] [scratch-path]
# The program is written next to the library: <scratch>/<config>/famfs_map_example.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
config=${1:-debug}
scratch=${2:-$root/.build}

cd "$root"
swift build -c "$config" --scratch-path "$scratch" --product famfsmap
bindir=$(swift build -c "$config" --scratch-path "$scratch" --show-bin-path)

# libfamfsmap.so needs the Swift runtime (libswiftCore.so, libswiftSynchronization.so, ...).
swiftlib=$(swift -print-target-info | sed -n 's/.*"runtimeResourcePath": "\(.*\)".*/\1/p' | head -n1)/linux
[ -d "$swiftlib" ] || swiftlib=$(dirname "$(command -v swift)")/../lib/swift/linux

gcc -std=c11 -O2 -Wall -Wextra -I"$here" "$here/famfs_map_example.c" \
    -L"$bindir" -lfamfsmap -Wl,-rpath,"$bindir" -Wl,-rpath,"$swiftlib" \
    -o "$bindir/famfs_map_example"
echo "$bindir/famfs_map_example"
