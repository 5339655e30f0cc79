#!/usr/bin/env bash
# Load benchmark: cairn's Stream Load against PostgreSQL's COPY on the same ~1 GB CSV.
#
#   bash bench/load.sh [size_mb]        (default 1024; needs build/cairnd and Debian's postgresql)
#
# Generates a CSV of 10 columns (BIGINT, INT, INT, DECIMAL(10,2), DECIMAL(18,4), DATE, DATETIME, a short
# status string, a city name, a 40-160 byte comment), then in one run:
#   1. starts cairnd on free loopback ports with a fresh data dir, creates an equivalent DUPLICATE KEY table
#      (8 buckets) and Stream Loads the file with curl (timed from the request to the reply);
#   2. starts PostgreSQL (initdb in a temp dir, user postgres, loopback only, default settings) and COPYs the
#      same file into an equivalent table (timed around the COPY statement);
# and prints rows/s for both, their ratio, and cairn's on-disk size (segment files) against the CSV size.
# Everything it starts is stopped by PID at the end; the temp dir is removed.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB=${1:-1024}
BIN=${CAIRN_BIN:-$PWD/build/cairnd}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$BIN" ] || { echo "build cairnd first (make)"; exit 1; }
[ -n "$PGBIN" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)"; exit 1; }

W=$(mktemp -d /tmp/cairn-bench-load.XXXXXX)
chmod 755 "$W"
CAIRN_PID=""
PG_STARTED=""
cleanup() {
    [ -n "$CAIRN_PID" ] && kill "$CAIRN_PID" 2>/dev/null && wait "$CAIRN_PID" 2>/dev/null || true
    [ -n "$PG_STARTED" ] && su postgres -c "$PGBIN/pg_ctl -D $W/pg -m fast -w stop" >/dev/null 2>&1 || true
    rm -rf "$W"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }

# ---------------------------------------------------------------- data
cat >"$W/gen.c" <<'EOF'
/* Deterministic CSV generator: stops after the requested number of bytes (whole rows). */
#include <stdio.h>
#include <stdlib.h>
static unsigned long long s = 88172645463325252ull;
static unsigned long long rnd(void) { s ^= s << 13; s ^= s >> 7; s ^= s << 17; return s; }
int main(int argc, char **argv) {
    unsigned long long limit = strtoull(argv[1], 0, 10) << 20, bytes = 0, id = 0;
    static const char *st[] = {"pending", "paid", "shipped", "delivered", "returned", "cancelled"};
    static const char *city[] = {"Amsterdam", "Berlin", "Chengdu", "Dakar", "Edinburgh", "Fortaleza", "Guangzhou",
                                 "Hanoi", "Istanbul", "Jakarta", "Kyoto", "Lima", "Madrid", "Nairobi", "Oslo"};
    static const char *w[] = {"quick", "brown", "fox", "jumps", "over", "lazy", "dog", "order", "customer", "parcel",
                              "delayed", "fragile", "express", "gift", "wrap", "invoice", "warehouse", "north"};
    char buf[1024];
    setvbuf(stdout, NULL, _IOFBF, 1 << 20);
    while (bytes < limit) {
        unsigned long long r = rnd();
        int n = snprintf(buf, sizeof buf, "%llu,%llu,%llu,%llu.%02llu,%llu.%04llu,2024-%02llu-%02llu,"
                         "2024-%02llu-%02llu %02llu:%02llu:%02llu,%s,%s,", ++id, r % 1000000, 1 + r % 1000,
                         r % 100000, r % 100, r % 10000000, (r >> 20) % 10000, 1 + (r >> 8) % 12, 1 + (r >> 12) % 28,
                         1 + (r >> 16) % 12, 1 + (r >> 20) % 28, (r >> 24) % 24, (r >> 30) % 60, (r >> 36) % 60,
                         st[(r >> 40) % 6], city[(r >> 44) % 15]);
        int words = 6 + (int)(rnd() % 20);
        for (int i = 0; i < words; i++) n += snprintf(buf + n, sizeof buf - n, "%s%s", i ? " " : "", w[rnd() % 18]);
        buf[n++] = '\n';
        fwrite(buf, 1, n, stdout);
        bytes += n;
    }
    return 0;
}
EOF
gcc -O2 -o "$W/gen" "$W/gen.c"
echo "generating a ${SIZE_MB} MB CSV..."
"$W/gen" "$SIZE_MB" >"$W/data.csv"
chmod 644 "$W/data.csv"
CSV_BYTES=$(stat -c %s "$W/data.csv")
ROWS=$(wc -l <"$W/data.csv")
echo "  $ROWS rows, $CSV_BYTES bytes"

# ---------------------------------------------------------------- cairn
MP=$(free_port)
HP=$(free_port)
"$BIN" --data-dir "$W/cairn" --mysql-port "$MP" --http-port "$HP" --bind 127.0.0.1 --set log_to_stderr=false \
    >"$W/cairnd.out" 2>&1 &
CAIRN_PID=$!
for _ in $(seq 600); do
    mysql -h127.0.0.1 -P"$MP" -uroot -e "SELECT 1" >/dev/null 2>&1 && break
    kill -0 "$CAIRN_PID" 2>/dev/null || { echo "cairnd exited:"; cat "$W/cairnd.out"; exit 1; }
    sleep 0.1
done
mysql -h127.0.0.1 -P"$MP" -uroot -e "CREATE DATABASE bench; CREATE TABLE bench.orders (id BIGINT NOT NULL,
  user_id INT, qty INT, price DECIMAL(10,2), amount DECIMAL(18,4), order_date DATE, ts DATETIME,
  status VARCHAR(16), city VARCHAR(32), note VARCHAR(256)) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 8"
sync
echo "cairn: Stream Load..."
T0=$(now)
curl -s --location-trusted -u root: -H "label:bench_load" -H "column_separator:," -H "timeout:3600" \
    -T "$W/data.csv" "http://127.0.0.1:$HP/api/bench/orders/_stream_load" >"$W/reply.json"
T1=$(now)
grep -q '"Status": "Success"' "$W/reply.json" || { cat "$W/reply.json"; exit 1; }
LOADED=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["NumberLoadedRows"])' "$W/reply.json")
COUNT=$(mysql -h127.0.0.1 -P"$MP" -uroot -N -e "SELECT count(*) FROM bench.orders")
CAIRN_BYTES=$(find "$W/cairn/storage" -name '*.dat' -printf '%s\n' | awk '{s+=$1} END {print s+0}')
kill "$CAIRN_PID"
wait "$CAIRN_PID" 2>/dev/null || true
CAIRN_PID=""
[ "$LOADED" = "$ROWS" ] && [ "$COUNT" = "$ROWS" ] || { echo "cairn loaded $LOADED, counts $COUNT of $ROWS rows"; exit 1; }
echo "  $(/usr/bin/python3 -c "print('%.2f s' % ($T1 - $T0))")"

# ---------------------------------------------------------------- PostgreSQL
PGP=$(free_port)
mkdir -p "$W/pg" "$W/pgsock" "$W/pglog"
chown postgres "$W/pg" "$W/pgsock" "$W/pglog"
su postgres -c "$PGBIN/initdb -D $W/pg -A trust -U postgres" >/dev/null
su postgres -c "$PGBIN/pg_ctl -D $W/pg -l $W/pglog/pg.log -o \"-c listen_addresses=127.0.0.1 -p $PGP -k $W/pgsock\" -w start" >/dev/null
PG_STARTED=1
PSQL="psql -h 127.0.0.1 -p $PGP -U postgres -X -q -v ON_ERROR_STOP=1"
$PSQL -c "CREATE TABLE orders (id BIGINT NOT NULL, user_id INT, qty INT, price NUMERIC(10,2), amount NUMERIC(18,4),
  order_date DATE, ts TIMESTAMP, status VARCHAR(16), city VARCHAR(32), note VARCHAR(256))"
sync
echo "PostgreSQL: COPY..."
T2=$(now)
$PSQL -c "COPY orders FROM '$W/data.csv' WITH (FORMAT csv)"
T3=$(now)
PG_COUNT=$($PSQL -t -A -c "SELECT count(*) FROM orders")
PG_BYTES=$($PSQL -t -A -c "SELECT pg_total_relation_size('orders')")
echo "  $(/usr/bin/python3 -c "print('%.2f s' % ($T3 - $T2))")"
[ "$PG_COUNT" = "$ROWS" ] || { echo "PostgreSQL counts $PG_COUNT of $ROWS rows"; exit 1; }

# ---------------------------------------------------------------- report
/usr/bin/python3 - "$ROWS" "$CSV_BYTES" "$T0" "$T1" "$T2" "$T3" "$CAIRN_BYTES" "$PG_BYTES" <<'EOF'
import sys
rows, csv, t0, t1, t2, t3, cb, pb = sys.argv[1:]
rows, csv, cb, pb = int(rows), int(csv), int(cb), int(pb)
c, p = float(t1) - float(t0), float(t3) - float(t2)
print("rows: %d, CSV: %.1f MB" % (rows, csv / 1e6))
print("cairn Stream Load: %7.2f s  %10.0f rows/s" % (c, rows / c))
print("PostgreSQL COPY:   %7.2f s  %10.0f rows/s" % (p, rows / p))
print("ratio (cairn / PostgreSQL rows/s): %.2fx   (goal >= 2x)" % ((rows / c) / (rows / p)))
print("cairn on disk: %.1f MB = %.3f x CSV   (goal <= 0.5x; PostgreSQL: %.1f MB = %.3f x CSV)"
      % (cb / 1e6, cb / csv, pb / 1e6, pb / csv))
EOF
