#!/usr/bin/env bash
# Storage engine throughput and compactness (a benchmark, not a test): RowsetWriter and TabletReader over
# ROWS rows (default 10,000,000) of a six-column table, against the same rows as CSV text for size.
# Prints CPU-time rates, so other load on the machine does not distort them.
#   bash bench/storage.sh [ROWS]        (needs `make` first: links the storage, types and util objects)
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-10000000}
BUILD=${CAIRN_BUILD:-build}
objs=$(ls "$BUILD"/src/storage/*.o "$BUILD"/src/types/*.o "$BUILD"/src/util/*.o 2>/dev/null || true)
[ -n "$objs" ] || { echo "build first: make" >&2; exit 1; }
mkdir -p bench/.tmp
WORK=$(mktemp -d "$PWD/bench/.tmp/storage.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
PKGS="libzstd liblz4 libxxhash jansson libcrypto"
gcc -std=gnu11 -D_GNU_SOURCE -O2 -Isrc -o "$WORK/storage_bench" bench/storage_bench.c $objs \
    $(pkg-config --libs $PKGS) -lm -pthread
for codec in lz4 zstd; do
    rm -rf "$WORK/t"
    "$WORK/storage_bench" "$WORK/t" "$ROWS" "$codec" sorted
done
rm -rf "$WORK/t"
"$WORK/storage_bench" "$WORK/t" "$ROWS" lz4 random | head -1
