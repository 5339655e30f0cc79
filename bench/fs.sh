#!/usr/bin/env bash
# Storage driver throughput, against named baselines (a benchmark, not a test):
#   s3:    cairn-fs put-dir / get-dir through the s3 driver   vs  aws s3 cp --recursive   (same s3rver)
#   posix: cairn-fs put-dir / get-dir through the posix driver vs cp -r                    (same disk)
# Data: SIZE_MB (default 2048) in 64 MiB files, half random and half text. Prints MB/s and the ratios.
#   bash bench/fs.sh [SIZE_MB]       (needs `make` and the npm test packages: bash scripts/deps.sh test)
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB=${1:-2048}
FILE_MB=64
THREADS=${THREADS:-4}
TOOL=$PWD/build/cairn-fs
[ -x "$TOOL" ] || { echo "build first: make" >&2; exit 1; }
mkdir -p bench/.tmp
WORK=$(mktemp -d "$PWD/bench/.tmp/fs.XXXXXX")
S3PID=
cleanup() {
    [ -n "$S3PID" ] && kill "$S3PID" 2>/dev/null && wait "$S3PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

echo "bench/fs.sh: $SIZE_MB MB in $FILE_MB MiB files, $THREADS cairn threads; data in $WORK"
mkdir -p "$WORK/src"
n=$(( SIZE_MB / FILE_MB ))
for i in $(seq 1 "$n"); do
    f=$WORK/src/file$(printf %03d "$i").bin
    if [ $((i % 2)) -eq 0 ]; then
        head -c $((FILE_MB << 20)) /dev/urandom > "$f"
    else
        { yes "cairn benchmark row $i with some text to compress" || true; } | head -c $((FILE_MB << 20)) > "$f"
    fi
done
bytes=$(( n * FILE_MB * 1048576 ))
sync

now() { date +%s.%N; }
mbps() { awk -v b="$bytes" -v s="$1" 'BEGIN { printf "%.1f", b / 1e6 / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
timed() { local t0 t1; t0=$(now); "$@" >/dev/null; t1=$(now); awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'; }

# --- s3: one s3rver, plain s3rver 3.7.1 (no signature checking in the way of either client)
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$WORK/s3data"
NODE_OPTIONS=--openssl-legacy-provider node tests/node_modules/s3rver/bin/s3rver.js -d "$WORK/s3data" \
    -a 127.0.0.1 -p "$PORT" --silent --configure-bucket bench >/dev/null 2>&1 &
S3PID=$!
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done
EP=http://127.0.0.1:$PORT
printf '[default]\nregion = us-east-1\ns3 =\n    addressing_style = path\n' > "$WORK/aws.cfg"
AWS() { env -u AWS_CA_BUNDLE AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_CONFIG_FILE="$WORK/aws.cfg" \
        AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true /usr/bin/aws --endpoint-url "$EP" "$@"; }
P=(-p aws.s3.access_key=S3RVER -p aws.s3.secret_key=S3RVER -p "aws.s3.endpoint=$EP")

t_aws_up=$(timed AWS s3 cp --recursive --only-show-errors "$WORK/src" s3://bench/aws)
t_cairn_up=$(timed "$TOOL" "${P[@]}" --threads "$THREADS" put-dir s3://bench/cairn "$WORK/src" data)
t_aws_down=$(timed AWS s3 cp --recursive --only-show-errors s3://bench/aws "$WORK/aws-down")
t_cairn_down=$(timed "$TOOL" "${P[@]}" --threads "$THREADS" get-dir s3://bench/cairn data "$WORK/cairn-down")
if ! diff -rq "$WORK/src" "$WORK/cairn-down" >/dev/null; then echo "s3: cairn download differs!" >&2; exit 1; fi
rm -rf "$WORK/aws-down" "$WORK/cairn-down"
kill "$S3PID"; wait "$S3PID" 2>/dev/null || true; S3PID=
rm -rf "$WORK/s3data"

# --- posix: same disk
t_cp_up=$(timed bash -c "cp -r '$WORK/src' '$WORK/cp-dst' && sync")
t_posix_up=$(timed bash -c "'$TOOL' --threads '$THREADS' put-dir '$WORK/repo' '$WORK/src' data && sync")
t_cp_down=$(timed bash -c "cp -r '$WORK/repo/data' '$WORK/cp-back' && sync")
t_posix_down=$(timed bash -c "'$TOOL' --threads '$THREADS' get-dir '$WORK/repo' data '$WORK/posix-back' && sync")
if ! diff -rq "$WORK/src" "$WORK/posix-back" >/dev/null; then echo "posix: cairn download differs!" >&2; exit 1; fi

printf '\n%-34s %9s %9s %9s\n' "" "upload" "download" "(MB/s)"
printf '%-34s %9s %9s\n' "s3 driver -> s3rver" "$(mbps "$t_cairn_up")" "$(mbps "$t_cairn_down")"
printf '%-34s %9s %9s\n' "aws s3 cp --recursive -> s3rver" "$(mbps "$t_aws_up")" "$(mbps "$t_aws_down")"
printf '%-34s %9s %9s\n' "posix driver" "$(mbps "$t_posix_up")" "$(mbps "$t_posix_down")"
printf '%-34s %9s %9s\n' "cp -r (+ sync)" "$(mbps "$t_cp_up")" "$(mbps "$t_cp_down")"
printf '\nratios: s3/aws upload %s (goal >= 1.0), download %s (goal >= 1.0); posix/cp upload %s, download %s (goal >= 0.9)\n' \
    "$(ratio "$t_aws_up" "$t_cairn_up")" "$(ratio "$t_aws_down" "$t_cairn_down")" \
    "$(ratio "$t_cp_up" "$t_posix_up")" "$(ratio "$t_cp_down" "$t_posix_down")"
