#!/usr/bin/python3
"""Materialized views and views through BACKUP and RESTORE: a database with two base tables, a synchronous MV,
a filtered synchronous MV (WHERE), an asynchronous MV joining them, a view of a table (naming its database) and a view of the MV. Back it up (the
snapshot lists every MV and view after what it reads), drop the database, restore it and compare every
object's rows and definition with the originals; restore only the MV first (inactive, with the reason), then
its base tables, then ALTER ... ACTIVE; migrate the whole database to a second cairnd under another name."""
import json
import os

from br_common import Cairnd, Tap, error_of, execute, query_dicts, snapshot_timestamp, table_digest, tmp_dir, wait_job

tap = Tap()
repo_dir = tmp_dir("repo-mv")

OBJECTS = ("t_orders", "t_cust", "cust_totals", "big_orders", "top_cust")
AGG_QUERY = "SELECT cust, SUM(amount), COUNT(amount) FROM t_orders GROUP BY cust ORDER BY cust"
# answered by the filtered synchronous MV orders_over_50; the second form cannot use it (same rows expected)
FILTERED_QUERY = ("SELECT cust, SUM(amount), COUNT(amount) FROM t_orders WHERE amount > 50 AND cust >= 2 "
                  "GROUP BY cust ORDER BY cust")
FILTERED_BASE = ("SELECT cust, SUM(amount + 0), COUNT(amount + 0) FROM t_orders WHERE amount > 50 AND cust >= 2 "
                 "GROUP BY cust ORDER BY cust")


def wait_rows(conn, sql, pred, what, timeout=60):
    import time
    deadline = time.time() + timeout
    rows = None
    while time.time() < deadline:
        rows = query_dicts(conn, sql)
        if pred(rows):
            return rows
        time.sleep(0.1)
    raise AssertionError("%s: last rows %r" % (what, rows))


def mv_row(conn, db, name):
    rows = [r for r in query_dicts(conn, "SHOW MATERIALIZED VIEWS FROM %s" % db) if r["name"] == name]
    return rows[0] if rows else None


def create_source(c):
    execute(c, "CREATE DATABASE shop")
    execute(c, "USE shop")
    execute(c, """CREATE TABLE t_orders (id INT, cust INT, amount DECIMAL(10, 2), dt DATE)
                  DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 3""")
    execute(c, "CREATE TABLE t_cust (cust INT, name VARCHAR(20)) DISTRIBUTED BY HASH(cust) BUCKETS 2")
    for lo in range(0, 600, 200):
        execute(c, "INSERT INTO t_orders VALUES " + ", ".join(
            "(%d, %d, %d.%02d, '2024-0%d-%02d')" % (i, i % 7, i % 97, i % 100, 1 + i % 3, 1 + i % 28)
            for i in range(lo, lo + 200)))
    execute(c, "INSERT INTO t_cust VALUES " + ", ".join("(%d, 'cust-%d')" % (i, i) for i in range(7)))
    execute(c, "CREATE MATERIALIZED VIEW orders_by_cust AS SELECT cust, SUM(amount), COUNT(amount) FROM t_orders "
               "GROUP BY cust")
    execute(c, "CREATE MATERIALIZED VIEW orders_over_50 AS SELECT cust, SUM(amount), COUNT(amount) FROM t_orders "
               "WHERE amount > 50 GROUP BY cust")
    wait_rows(c, "SHOW ALTER MATERIALIZED VIEW FROM shop",
              lambda r: len(r) == 2 and all(x["State"] == "FINISHED" for x in r), "sync MV builds")
    execute(c, """CREATE MATERIALIZED VIEW cust_totals DISTRIBUTED BY HASH(name) BUCKETS 2
                  REFRESH ASYNC EVERY (INTERVAL 1 HOUR)
                  AS SELECT c.name, SUM(o.amount) AS total, COUNT(*) AS n
                     FROM t_orders o JOIN t_cust c ON o.cust = c.cust GROUP BY c.name""")
    execute(c, "REFRESH MATERIALIZED VIEW cust_totals WITH SYNC MODE")
    execute(c, "CREATE VIEW big_orders AS SELECT id, amount FROM shop.t_orders WHERE amount > 90")
    execute(c, "CREATE VIEW top_cust AS SELECT name, total FROM cust_totals WHERE total > 2000")
    # an MV reading a table of another database, which a backup of shop does not carry
    execute(c, "CREATE DATABASE other")
    execute(c, "CREATE TABLE other.dims (id INT, label VARCHAR(10)) DISTRIBUTED BY HASH(id) BUCKETS 1")
    execute(c, "INSERT INTO other.dims VALUES (0, 'zero'), (1, 'one'), (2, 'two')")
    execute(c, "CREATE MATERIALIZED VIEW ext_mv REFRESH MANUAL AS SELECT d.label, COUNT(*) AS n "
               "FROM t_orders o JOIN other.dims d ON o.cust = d.id GROUP BY d.label")
    execute(c, "REFRESH MATERIALIZED VIEW ext_mv WITH SYNC MODE")


def definitions(c):
    out = {}
    for name in ("cust_totals",):
        out[name] = execute(c, "SHOW CREATE MATERIALIZED VIEW %s" % name)[0][1]
    for name in ("big_orders", "top_cust"):
        out[name] = execute(c, "SHOW CREATE VIEW %s" % name)[0][1]
    out["t_orders"] = [r for r in execute(c, "DESC t_orders ALL")]
    return out


def explain_uses_rollup(c):
    plan = "\n".join(r[0] for r in execute(c, "EXPLAIN " + AGG_QUERY))
    return "ROLLUP orders_by_cust" in plan


def explain_uses_filtered(c):
    plan = "\n".join(r[0] for r in execute(c, "EXPLAIN " + FILTERED_QUERY))
    filters = [line for line in plan.split("\n") if "FILTER" in line]
    return "ROLLUP orders_over_50" in plan and filters and not any("amount" in f for f in filters)


def stream_load(srv, db, table, csv):
    """Stream Load of CSV rows; returns the reply's Status."""
    status, body, _ = srv.http("/api/%s/%s/_stream_load" % (db, table), method="PUT", body=csv.encode(),
                               headers={"Authorization": "Basic cm9vdDo=", "column_separator": ","})
    return json.loads(body).get("Status") if status == 200 else "HTTP %d" % status


def state_of(c):
    digests = {t: table_digest(c, t, order_by="1, 2") for t in OBJECTS}
    return digests, execute(c, AGG_QUERY)


with Cairnd("mv-backup") as srv:
    c = srv.connect()
    create_source(c)
    before, agg_before = state_of(c)
    defs_before = definitions(c)
    tap.ok(before["cust_totals"][0] == 7 and before["top_cust"][0] > 0, "fixture: the MV and the view of it have rows",
           repr(before))
    tap.ok(explain_uses_rollup(c), "the aggregate query reads the synchronous MV before the backup")
    filtered_before = execute(c, FILTERED_QUERY)
    tap.ok(explain_uses_filtered(c), "the query implying amount > 50 reads the filtered synchronous MV")
    tap.ok(len(filtered_before) == 5 and filtered_before == execute(c, FILTERED_BASE),
           "the filtered MV gives the rows the table gives", repr(filtered_before))

    execute(c, "CREATE REPOSITORY r WITH BROKER ON LOCATION 'file://%s' PROPERTIES ()" % repo_dir)
    execute(c, "BACKUP DATABASE shop SNAPSHOT s1 TO r")
    row = wait_job(c, "BACKUP", "shop")
    tap.eq(row["State"], "FINISHED", "BACKUP DATABASE with MVs and views finishes")
    ts = snapshot_timestamp(c, "r", "s1")
    tap.ok("ext_mv reads other.dims, which is in another database and is not part of the backup" in srv.log(),
           "a base table outside the database is a warning in the log")
    ext_before = table_digest(c, "ext_mv", order_by="1")

    manifest = None
    for root, _dirs, files in os.walk(os.path.join(repo_dir, "__cairn_repository_r", "snapshots", "s1")):
        if "manifest.json" in files:
            with open(os.path.join(root, "manifest.json")) as f:
                manifest = json.load(f)
    order = [o["name"] for o in manifest["objects"]] if manifest else []
    tap.ok(order and all(order.index(a) < order.index(b) for a, b in
                         [("t_orders", "cust_totals"), ("t_cust", "cust_totals"), ("cust_totals", "top_cust"),
                          ("t_orders", "big_orders")]),
           "the snapshot lists every MV and view after what it reads", repr(order))

    # ---------------------------------------------------------------- whole database: drop, restore, compare
    execute(c, "DROP DATABASE shop")
    execute(c, "CREATE DATABASE shop")
    execute(c, "RESTORE SNAPSHOT shop.s1 FROM r PROPERTIES ('backup_timestamp' = '%s')" % ts)
    row = wait_job(c, "RESTORE", "shop")
    tap.eq((row["State"], row["Status"]), ("FINISHED", "[OK]"), "RESTORE of the whole database finishes cleanly")
    execute(c, "USE shop")
    after, agg_after = state_of(c)
    for t in OBJECTS:
        tap.eq(after[t], before[t], "restored %s has the same rows" % t)
    tap.eq(definitions(c), defs_before, "restored MV, views and the table's indexes have the same definitions")
    mv = mv_row(c, "shop", "cust_totals")
    tap.eq((mv["is_active"], mv["inactive_reason"], mv["refresh_type"]), ("true", "", "ASYNC"),
           "SHOW MATERIALIZED VIEWS: the restored async MV is active")
    tap.eq(mv_row(c, "shop", "ext_mv")["is_active"], "true",
           "an MV whose base table in another database is still there is active after the restore")
    tap.eq(table_digest(c, "ext_mv", order_by="1"), ext_before, "and it has its rows")
    sync = mv_row(c, "shop", "orders_by_cust")
    tap.eq((sync["refresh_type"], sync["is_active"]), ("ROLLUP", "true"), "the synchronous MV came back with its table")
    tap.ok(explain_uses_rollup(c), "the aggregate query reads the restored synchronous MV")
    tap.eq(agg_after, agg_before, "the restored synchronous MV gives the same aggregates")
    execute(c, "INSERT INTO t_orders VALUES (1000, 3, 50.00, '2024-01-05')")
    execute(c, "REFRESH MATERIALIZED VIEW cust_totals WITH SYNC MODE")
    tap.eq(execute(c, "SELECT n FROM cust_totals WHERE name = 'cust-3'")[0][0],
           execute(c, "SELECT COUNT(*) FROM t_orders WHERE cust = 3")[0][0],
           "the restored MV refreshes from the restored base tables")
    tap.eq(execute(c, "SELECT cust, SUM(amount) FROM t_orders WHERE cust = 3 GROUP BY cust"),
           execute(c, "SELECT cust, SUM(amount + 0) FROM t_orders WHERE cust = 3 GROUP BY cust"),
           "loads after the restore reach the restored synchronous MV")
    tap.ok(explain_uses_filtered(c), "the query implying amount > 50 reads the restored filtered MV")
    tap.eq(execute(c, FILTERED_QUERY), filtered_before,
           "the restored filtered MV gives the snapshot's rows (the new order of amount 50.00 is outside it)")
    execute(c, "INSERT INTO t_orders VALUES (1001, 4, 60.00, '2024-01-06'), (1002, 4, 10.00, '2024-01-06'), "
               "(1003, 4, NULL, '2024-01-06')")
    tap.eq(stream_load(srv, "shop", "t_orders", "1004,5,70.00,2024-01-07\n1005,5,20.00,2024-01-07\n"), "Success",
           "Stream Load into the restored table")
    after_loads = execute(c, FILTERED_QUERY)
    tap.ok(explain_uses_filtered(c) and after_loads == execute(c, FILTERED_BASE) and after_loads != filtered_before,
           "INSERT and Stream Load keep only rows with amount > 50 in the restored filtered MV", repr(after_loads))

    # ---------------------------------------------------------------- the MV alone first, then its base tables
    execute(c, "DROP DATABASE shop")
    execute(c, "CREATE DATABASE shop")
    execute(c, "RESTORE SNAPSHOT shop.s1 FROM r ON (cust_totals) PROPERTIES ('backup_timestamp' = '%s')" % ts)
    row = wait_job(c, "RESTORE", "shop")
    tap.eq(row["State"], "FINISHED", "RESTORE of the MV alone finishes")
    mv = mv_row(c, "shop", "cust_totals")
    tap.eq(mv["is_active"], "false", "the MV restored without its base tables is inactive")
    tap.ok(mv["inactive_reason"].startswith("Cannot active the materialized view cust_totals after restore, please "
                                            "check whether its base table has already been backup or restore:")
           and "shop.t_orders" in mv["inactive_reason"] and "shop.t_cust" in mv["inactive_reason"],
           "the reason names the missing base tables", mv["inactive_reason"])
    execute(c, "USE shop")
    tap.eq(table_digest(c, "cust_totals", order_by="1, 2"), before["cust_totals"],
           "the inactive MV still holds the snapshot's rows")
    errno, msg = error_of(c, "REFRESH MATERIALIZED VIEW cust_totals")
    tap.ok(errno == 5064 and "not active" in msg, "an inactive MV refuses REFRESH", msg)
    errno, msg = error_of(c, "ALTER MATERIALIZED VIEW cust_totals ACTIVE")
    tap.ok(errno is not None and "t_orders" in msg, "ACTIVE fails while the base tables are missing", msg)

    execute(c, "RESTORE SNAPSHOT shop.s1 FROM r ON (t_orders, t_cust) PROPERTIES ('backup_timestamp' = '%s')" % ts)
    row = wait_job(c, "RESTORE", "shop")
    tap.eq(row["State"], "FINISHED", "RESTORE of the base tables finishes")
    tap.eq(mv_row(c, "shop", "cust_totals")["is_active"], "false",
           "restoring the base tables does not activate the MV by itself")
    execute(c, "ALTER MATERIALIZED VIEW cust_totals ACTIVE")
    mv = mv_row(c, "shop", "cust_totals")
    tap.eq((mv["is_active"], mv["inactive_reason"]), ("true", ""), "ALTER MATERIALIZED VIEW ... ACTIVE re-activates it")
    wait_rows(c, "SHOW MATERIALIZED VIEWS FROM shop WHERE name = 'cust_totals'",
              lambda r: r and r[0]["last_refresh_state"] == "SUCCESS", "the refresh after ACTIVE")
    tap.eq(table_digest(c, "cust_totals", order_by="1, 2"), before["cust_totals"],
           "after ACTIVE and its refresh the MV has the original rows")

    # an existing active MV is not overwritten by a restore (StarRocks' rule)
    execute(c, "INSERT INTO t_orders VALUES (2000, 1, 1.00, '2024-01-09')")
    execute(c, "REFRESH MATERIALIZED VIEW cust_totals WITH SYNC MODE")
    current = table_digest(c, "cust_totals", order_by="1, 2")
    execute(c, "RESTORE SNAPSHOT shop.s1 FROM r ON (cust_totals) PROPERTIES ('backup_timestamp' = '%s')" % ts)
    row = wait_job(c, "RESTORE", "shop")
    tap.eq(row["State"], "FINISHED", "RESTORE onto an existing active MV finishes")
    tap.ok(current != before["cust_totals"] and table_digest(c, "cust_totals", order_by="1, 2") == current,
           "the existing active MV keeps its rows")

    # ---------------------------------------------------------------- migration to a second cairnd, new name
    with Cairnd("mv-backup-b") as srv2:
        c2 = srv2.connect()
        execute(c2, "CREATE REPOSITORY r WITH BROKER ON LOCATION 'file://%s' PROPERTIES ()" % repo_dir)
        execute(c2, "CREATE DATABASE shop2")
        execute(c2, "RESTORE SNAPSHOT s1 FROM r DATABASE shop AS shop2 PROPERTIES ('backup_timestamp' = '%s')" % ts)
        row = wait_job(c2, "RESTORE", "shop2")
        tap.eq((row["State"], row["Status"]), ("FINISHED", "[OK]"), "migration restore into shop2 finishes")
        execute(c2, "USE shop2")
        migrated, agg_migrated = state_of(c2)
        for t in OBJECTS:
            tap.eq(migrated[t], before[t], "migrated %s has the same rows" % t)
        tap.eq(agg_migrated, agg_before, "migrated synchronous MV gives the same aggregates")
        tap.ok(explain_uses_rollup(c2), "queries on the migrated table read its synchronous MV")
        tap.ok(explain_uses_filtered(c2), "queries implying amount > 50 read the migrated filtered MV")
        tap.eq(execute(c2, FILTERED_QUERY), filtered_before, "the migrated filtered MV gives the same rows")
        view_sql = execute(c2, "SHOW CREATE VIEW big_orders")[0][1]
        tap.ok("shop2" in view_sql and "shop." not in view_sql, "the view's definition names the new database",
               view_sql)
        mv = mv_row(c2, "shop2", "cust_totals")
        tap.eq(mv["is_active"], "true", "the migrated MV is active on the second server")
        ext = mv_row(c2, "shop2", "ext_mv")
        tap.ok(ext["is_active"] == "false" and ext["inactive_reason"].endswith("backup or restore:other.dims"),
               "an MV whose other-database base table is not on the second server is inactive, naming it",
               ext["inactive_reason"])
        tap.eq(table_digest(c2, "ext_mv", order_by="1"), ext_before, "the inactive migrated MV keeps its rows")
        execute(c2, "REFRESH MATERIALIZED VIEW cust_totals WITH SYNC MODE")
        tap.eq(table_digest(c2, "cust_totals", order_by="1, 2"), before["cust_totals"],
               "the migrated MV refreshes to the same rows")

tap.done()
