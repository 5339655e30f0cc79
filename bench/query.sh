#!/usr/bin/env bash
# Query benchmark: cairn against PostgreSQL on the same rows.
#
# Loads a lineitem-shaped table (ROWS rows, default 10M) and a part-shaped dimension table (100k rows) into a
# fresh cairnd and into a PostgreSQL 15 cluster started here (initdb in a temp dir, loopback only, as user
# postgres), then times six queries on both: count(*), a filtered sum, a group-by on a low-cardinality key, a
# group-by on a high-cardinality key, a join with the dimension plus group-by, and top-10 by a computed value.
# Each query runs once to warm caches, then RUNS times; the median is printed with the ratio PostgreSQL/cairn.
# The rows are generated once by PostgreSQL (generate_series with hash-like formulas, so no randomness) and
# copied into cairn by Stream Load as CSV, so both hold exactly the same data.
#
#   bash bench/query.sh                 # 10M rows
#   ROWS=1000000 RUNS=3 bash bench/query.sh
# Needs: build/cairnd (make), postgresql (apt-get install postgresql), curl, /usr/bin/python3 + pymysql.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-10000000}
PARTS=${PARTS:-100000}
RUNS=${RUNS:-5}
CAIRN_BIN=${CAIRN_BIN:-$PWD/build/cairnd}
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[ -x "$CAIRN_BIN" ] || { echo "build cairnd first (make)"; exit 1; }
[ -x "$PGBIN/initdb" ] || { echo "PostgreSQL not found: apt-get install postgresql"; exit 1; }

WORK=$(mktemp -d /tmp/cairn-bench.XXXXXX)
chmod 755 "$WORK"
PG_PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
MY_PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
HTTP_PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
CAIRN_PID=
cleanup() {
    [ -n "$CAIRN_PID" ] && kill "$CAIRN_PID" 2>/dev/null && wait "$CAIRN_PID" 2>/dev/null || true
    su postgres -s /bin/sh -c "$PGBIN/pg_ctl -D $WORK/pg -m immediate stop" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

echo "# rows: $ROWS lineitem, $PARTS part; runs: $RUNS (median); work dir $WORK"

# ---- PostgreSQL: a private cluster on loopback
mkdir -p "$WORK/pg" && chown postgres "$WORK/pg"
su postgres -s /bin/sh -c "$PGBIN/initdb -D $WORK/pg -A trust -U postgres" >/dev/null
cat >>"$WORK/pg/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$WORK/pg'
shared_buffers = 2GB
work_mem = 256MB
max_parallel_workers_per_gather = 2
jit = off
EOF
su postgres -s /bin/sh -c "$PGBIN/pg_ctl -D $WORK/pg -l $WORK/pg/server.log -w start" >/dev/null
PSQL=("$PGBIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -q)

t0=$(date +%s)
"${PSQL[@]}" <<EOF
CREATE TABLE lineitem (l_orderkey BIGINT, l_partkey INT, l_suppkey INT, l_linenumber INT, l_quantity NUMERIC(15,2),
  l_extendedprice NUMERIC(15,2), l_discount NUMERIC(15,2), l_tax NUMERIC(15,2), l_returnflag CHAR(1),
  l_linestatus CHAR(1), l_shipdate DATE, l_shipmode VARCHAR(10));
CREATE TABLE part (p_partkey INT, p_name VARCHAR(40), p_brand VARCHAR(10), p_size INT);
INSERT INTO lineitem
SELECT i / 4 + 1, (i * 7919) % $PARTS + 1, (i * 104729) % 10000 + 1, i % 4 + 1, (i * 31) % 50 + 1,
       ((i * 31) % 50 + 1) * (900 + (i * 13) % 1100) / 10.0, ((i * 17) % 11) / 100.0, ((i * 19) % 9) / 100.0,
       (ARRAY['A','N','R'])[i % 3 + 1], (ARRAY['F','O'])[(i / 3) % 2 + 1],
       DATE '1992-01-01' + ((i * 48271) % 2500)::int,
       (ARRAY['AIR','MAIL','SHIP','TRUCK','RAIL','FOB','REG AIR'])[(i * 7) % 7 + 1]
FROM generate_series(0::bigint, $ROWS - 1) AS g(i);
INSERT INTO part
SELECT k, 'part ' || k, 'Brand#' || (k % 5 + 1) || (k % 7 + 1), k % 50 + 1 FROM generate_series(1, $PARTS) AS g(k);
VACUUM ANALYZE lineitem;
VACUUM ANALYZE part;
EOF
echo "# PostgreSQL loaded in $(( $(date +%s) - t0 ))s"

# ---- cairn
mkdir -p "$WORK/cairn"
"$CAIRN_BIN" --data-dir "$WORK/cairn" --mysql-port "$MY_PORT" --http-port "$HTTP_PORT" --bind 127.0.0.1 \
    --set log_to_stderr=false >"$WORK/cairn.out" 2>&1 &
CAIRN_PID=$!
for _ in $(seq 100); do
    /usr/bin/python3 -c "import pymysql; pymysql.connect(host='127.0.0.1', port=$MY_PORT, user='root')" 2>/dev/null && break
    sleep 0.2
done
t0=$(date +%s)
/usr/bin/python3 - "$MY_PORT" <<'EOF'
import pymysql, sys
c = pymysql.connect(host="127.0.0.1", port=int(sys.argv[1]), user="root", autocommit=True)
cur = c.cursor()
cur.execute("CREATE DATABASE bench")
cur.execute("USE bench")
cur.execute("""CREATE TABLE lineitem (l_orderkey BIGINT, l_partkey INT, l_suppkey INT, l_linenumber INT,
  l_quantity DECIMAL(15,2), l_extendedprice DECIMAL(15,2), l_discount DECIMAL(15,2), l_tax DECIMAL(15,2),
  l_returnflag CHAR(1), l_linestatus CHAR(1), l_shipdate DATE, l_shipmode VARCHAR(10))
  DUPLICATE KEY(l_orderkey) DISTRIBUTED BY HASH(l_orderkey) BUCKETS 8""")
cur.execute("""CREATE TABLE part (p_partkey INT, p_name VARCHAR(40), p_brand VARCHAR(10), p_size INT)
  DUPLICATE KEY(p_partkey) DISTRIBUTED BY HASH(p_partkey) BUCKETS 2""")
EOF
for t in part lineitem; do
    # stream PostgreSQL's rows straight into Stream Load, in slices so no single load is huge
    if [ "$t" = lineitem ]; then step=2000000; total=$ROWS; else step=$PARTS; total=$PARTS; fi
    for ((off = 0; off < total; off += step)); do
        if [ "$t" = lineitem ]; then
            cond="l_orderkey > $((off / 4)) AND l_orderkey <= $(((off + step) / 4))"
        else
            cond="true"
        fi
        "${PSQL[@]}" -c "COPY (SELECT * FROM $t WHERE $cond) TO STDOUT WITH (FORMAT csv)" >"$WORK/slice.csv"
        reply=$(curl -sS -u root: -T "$WORK/slice.csv" -H "column_separator:," -H "Expect:" \
            "http://127.0.0.1:$HTTP_PORT/api/bench/$t/_stream_load")
        echo "$reply" | grep -q '"Status": *"Success"' || { echo "stream load failed: $reply"; exit 1; }
    done
done
rm -f "$WORK/slice.csv"
echo "# cairn loaded in $(( $(date +%s) - t0 ))s"

# ---- the queries (the same text on both sides)
QUERIES=(
"count(*)|SELECT count(*) FROM lineitem"
"filtered sum|SELECT sum(l_extendedprice * (1 - l_discount)) FROM lineitem WHERE l_shipdate >= DATE '1995-01-01' AND l_shipdate < DATE '1996-01-01' AND l_discount BETWEEN 0.05 AND 0.07 AND l_quantity < 24"
"group-by low card|SELECT l_returnflag, l_linestatus, sum(l_quantity), sum(l_extendedprice), avg(l_discount), count(*) FROM lineitem GROUP BY l_returnflag, l_linestatus ORDER BY l_returnflag, l_linestatus"
"group-by high card|SELECT l_orderkey, sum(l_extendedprice) AS s FROM lineitem GROUP BY l_orderkey ORDER BY s DESC, l_orderkey LIMIT 10"
"join + group-by|SELECT p_brand, sum(l_extendedprice) AS s, count(*) FROM lineitem JOIN part ON l_partkey = p_partkey WHERE p_size < 10 GROUP BY p_brand ORDER BY s DESC LIMIT 10"
"top-10 computed|SELECT l_orderkey, l_linenumber, l_extendedprice * (1 - l_discount) * (1 + l_tax) AS v FROM lineitem ORDER BY v DESC, l_orderkey, l_linenumber LIMIT 10"
)

pg_time() { # one timed run: milliseconds
    "${PSQL[@]}" -c '\timing on' -c "$1" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1
}

printf '\n%-20s %12s %12s %8s\n' "query" "cairn ms" "postgres ms" "ratio"
for q in "${QUERIES[@]}"; do
    name=${q%%|*}
    sql=${q#*|}
    cairn_ms=$(/usr/bin/python3 - "$MY_PORT" "$RUNS" "$sql" <<'EOF'
import pymysql, statistics, sys, time
c = pymysql.connect(host="127.0.0.1", port=int(sys.argv[1]), user="root", database="bench")
cur = c.cursor()
cur.execute(sys.argv[3]); cur.fetchall()
ts = []
for _ in range(int(sys.argv[2])):
    t = time.perf_counter(); cur.execute(sys.argv[3]); cur.fetchall(); ts.append((time.perf_counter() - t) * 1000)
print("%.1f" % statistics.median(ts))
EOF
)
    pg_time "$sql" >/dev/null
    pgs=()
    for ((r = 0; r < RUNS; r++)); do pgs+=("$(pg_time "$sql")"); done
    pg_ms=$(printf '%s\n' "${pgs[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}')
    ratio=$(awk -v p="$pg_ms" -v c="$cairn_ms" 'BEGIN { printf "%.1fx", (c > 0 ? p / c : 0) }')
    printf '%-20s %12s %12s %8s\n' "$name" "$cairn_ms" "$pg_ms" "$ratio"
done
echo
echo "# results checked equal on both sides:"
/usr/bin/python3 - "$MY_PORT" <<'EOF'
import pymysql, sys
c = pymysql.connect(host="127.0.0.1", port=int(sys.argv[1]), user="root", database="bench")
cur = c.cursor()
cur.execute("SELECT count(*), sum(l_extendedprice), count(distinct l_orderkey) FROM lineitem")
print("#   cairn:    ", cur.fetchall()[0])
EOF
echo "#   postgres:  $("${PSQL[@]}" -A -t -c "SELECT count(*), sum(l_extendedprice), count(distinct l_orderkey) FROM lineitem")"
