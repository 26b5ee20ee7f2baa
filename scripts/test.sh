#!/usr/bin/env bash
# The whole test suite: builds everything (failing on an import of an undeclared target, which
# keeps the layers of docs/ARCHITECTURE.md honest) and runs every test. Needs root and /dev/fuse for the
# mount tests.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
swift build --build-tests --explicit-target-dependency-import-check error 2>&1 | tee "$log"
if grep -q "missing dependency on" "$log"; then
    echo "test.sh: a target imports a module it does not declare (see above)" >&2
    exit 1
fi
# libfamfs_preload.so is C built outside SwiftPM (see scripts/build-libs.sh); the preload tests load it.
scripts/build-libs.sh debug >/dev/null
swift test --skip-build "$@"
