#!/usr/bin/env bash
# Backup and restore benchmark: cairn's BACKUP/RESTORE against cp -r and aws s3 cp on the same files, the
# incremental cost of 1% new rows, peak memory, and repository size per row against pgBackRest.
#   bash bench/backup.sh [--size-mb N] [--skip-s3] [--skip-pg]     (default 2500 MB of CSV, about 2.1 GB on disk)
# Needs build/cairnd, the test servers (make test installs them) and, for the pgBackRest part, postgresql and
# pgbackrest (installed when missing, as root). See bench/backup_bench.py for what is measured.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/cairnd ] || make
exec /usr/bin/python3 bench/backup_bench.py "$@"
