"""Data and query generator for the differential query test (query_differential_test.py).

Everything is derived from one seed, so a failing query can be reproduced exactly: the generator builds
the same rows and the same queries for the same seed. Each query is rendered twice, once for cairn
(StarRocks/MySQL dialect) and once for SQLite, so that both engines are asked the same question:
integer division, date functions and LIKE's case sensitivity are spelled per dialect.
"""

import datetime
import random

REGIONS = ["north", "south", "east", "west", "central", "Mixed", "zeta", "alpha"]
WORDS = ["apple", "apricot", "banana", "blueberry", "cherry", "date", "elder", "fig", "grape", "kiwi"]


def skewed(rng, n):
    """A value in [0, n) where small values are far more frequent (roughly Zipf)."""
    return min(int(rng.paretovariate(1.2)) - 1, n - 1)


def make_rows(seed, nfact, ndim):
    """(fact_rows, dim_rows): lists of tuples with Python values; None is NULL."""
    rng = random.Random(seed)
    dim = []
    for k in range(ndim):
        dim.append((k, "%s_%d" % (rng.choice(WORDS), k % 37), k % 10, None if k % 17 == 0 else rng.randint(-50, 500)))
    fact = []
    base = datetime.date(2020, 1, 1)
    for i in range(nfact):
        k1 = None if rng.random() < 0.03 else skewed(rng, ndim + 20)  # some keys have no dim row
        region = None if rng.random() < 0.05 else REGIONS[skewed(rng, len(REGIONS))]
        d = None if rng.random() < 0.04 else base + datetime.timedelta(days=rng.randint(0, 5 * 365))
        amt = None if rng.random() < 0.06 else "%d.%02d" % (rng.randint(-1000, 100000), rng.randint(0, 99))
        qty = rng.randint(0, 50) if rng.random() > 0.02 else None
        word = None if rng.random() < 0.05 else rng.choice(WORDS) + str(rng.randint(0, 9))
        fact.append((i, k1, region, d, amt, qty, word))
    return fact, dim


FACT_COLS = "id, k1, region, d, amt, qty, word"
DIM_COLS = "k1, name, grp, score"

CAIRN_DDL = [
    "CREATE TABLE fact (id BIGINT, k1 INT, region VARCHAR(16), d DATE, amt DECIMAL(12,2), qty INT, word VARCHAR(20)) "
    "DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 4",
    "CREATE TABLE dim (k1 INT, name VARCHAR(32), grp INT, score INT) DUPLICATE KEY(k1) DISTRIBUTED BY HASH(k1) BUCKETS 2",
]

SQLITE_DDL = [
    "CREATE TABLE fact (id INTEGER, k1 INTEGER, region TEXT, d TEXT, amt REAL, qty INTEGER, word TEXT)",
    "CREATE TABLE dim (k1 INTEGER, name TEXT, grp INTEGER, score INTEGER)",
]


def sql_literal(v):
    if v is None:
        return "NULL"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, datetime.date):
        return "'%s'" % v.isoformat()
    return "'%s'" % str(v).replace("'", "''")


class Q:
    """One generated query: cairn text, SQLite text, and whether row order matters."""

    def __init__(self, cairn, sqlite, ordered):
        self.cairn, self.sqlite, self.ordered = cairn, sqlite, ordered


def year(col, dialect):
    return "year(%s)" % col if dialect == "cairn" else "CAST(strftime('%%Y', %s) AS INTEGER)" % col


def month(col, dialect):
    return "month(%s)" % col if dialect == "cairn" else "CAST(strftime('%%m', %s) AS INTEGER)" % col


def div(a, b, dialect):
    return "%s / %s" % (a, b) if dialect == "cairn" else "CAST(%s AS REAL) / %s" % (a, b)


class Generator:
    def __init__(self, seed, ndim):
        self.rng = random.Random(seed * 7 + 1)
        self.ndim = ndim

    # ---- pieces
    def date_lit(self):
        d = datetime.date(2020, 1, 1) + datetime.timedelta(days=self.rng.randint(0, 5 * 365))
        return "'%s'" % d.isoformat()

    def predicate(self, dialect, alias="f"):
        r = self.rng
        p = alias + "."
        choice = r.randint(0, 11)
        if choice == 0:
            return "%sk1 %s %d" % (p, r.choice(["=", "<", "<=", ">", ">=", "<>"]), r.randint(0, 30))
        if choice == 1:
            lo = r.randint(-1000, 50000)
            return "%samt BETWEEN %d AND %d" % (p, lo, lo + r.randint(0, 60000))
        if choice == 2:
            return "%sd %s %s" % (p, r.choice(["<", ">=", ">"]), self.date_lit())
        if choice == 3:
            vals = ", ".join("'%s'" % x for x in r.sample(REGIONS, r.randint(1, 4)))
            return "%sregion %sIN (%s)" % (p, r.choice(["", "NOT "]), vals)
        if choice == 4:
            return "%s%s IS %sNULL" % (p, r.choice(["k1", "region", "d", "amt", "word"]), r.choice(["", "NOT "]))
        if choice == 5:
            return "%sword LIKE '%s%%'" % (p, r.choice(WORDS)[: r.randint(1, 3)])
        if choice == 6:
            return "%sqty * 2 + %sk1 > %d" % (p, p, r.randint(0, 60))
        if choice == 7:
            return "(%s OR %s)" % (self.predicate(dialect, alias), self.predicate(dialect, alias))
        if choice == 8:
            return "%s = %d" % (year(p + "d", dialect), r.randint(2020, 2024))
        if choice == 9:
            return "%sk1 IN (SELECT k1 FROM dim WHERE grp = %d)" % (p, r.randint(0, 9))
        if choice == 10:
            return "NOT (%s)" % self.predicate(dialect, alias)
        return "COALESCE(%sqty, 0) %% %d = %d" % (p, r.randint(2, 5), r.randint(0, 1))

    def where(self, dialect, alias="f", n=None):
        n = self.rng.randint(0, 3) if n is None else n
        preds = [self.predicate(dialect, alias) for _ in range(n)]
        return (" WHERE " + " AND ".join(preds)) if preds else ""

    def agg(self, dialect, alias="f"):
        r = self.rng
        p = alias + "."
        return r.choice([
            "COUNT(*)", "COUNT(%samt)" % p, "COUNT(DISTINCT %sregion)" % p, "SUM(%sqty)" % p, "SUM(%samt)" % p,
            "MIN(%sd)" % p, "MAX(%sword)" % p, "MIN(%samt)" % p, "MAX(%sk1)" % p, "AVG(%sqty)" % p,
            "SUM(%sqty * %sk1)" % (p, p), "COUNT(DISTINCT %sk1)" % p,
            "SUM(CASE WHEN %samt > 500 THEN 1 ELSE 0 END)" % p,
        ])

    def group_key(self, dialect, alias="f"):
        r = self.rng
        p = alias + "."
        return r.choice([p + "region", p + "k1", year(p + "d", dialect), p + "qty % 5", month(p + "d", dialect),
                         "COALESCE(%sregion, 'none')" % p])

    # ---- query shapes
    def q_filter_rows(self, dialect, state):
        # result sets stay small (fetching 100k rows through Python would dominate the test's time): either a
        # LIMIT over a stable order, or the rows of a narrow id range in any order
        cols = "f.id, f.k1, f.region, f.d, f.amt, f.qty"
        if self.rng.random() < 0.5:
            state["ordered"] = True
            lim = self.rng.choice([" LIMIT 20", " LIMIT 7 OFFSET 3", " LIMIT 40 OFFSET 1000"])
            return "SELECT %s FROM fact f%s ORDER BY f.id DESC%s" % (cols, state["where"], lim)
        state["ordered"] = False
        lo = self.rng.randint(0, 190000)
        rng = "f.id BETWEEN %d AND %d" % (lo, lo + self.rng.randint(0, 3000))
        where = state["where"] + (" AND " if state["where"] else " WHERE ") + rng
        return "SELECT %s FROM fact f%s" % (cols, where)

    def q_global_agg(self, dialect, state):
        return "SELECT %s FROM fact f%s" % (", ".join(state["aggs"]), state["where"])

    def q_group(self, dialect, state):
        keys = state["keys"]
        having = ""
        if state["having"] is not None:
            having = " HAVING COUNT(*) > %d" % state["having"]
        sel = ", ".join(["%s AS g%d" % (k, i) for i, k in enumerate(keys)] + state["aggs"])
        gb = ", ".join(keys)
        order = ""
        if state["ordered"]:
            order = " ORDER BY " + ", ".join("%d%s" % (i + 1, " DESC" if self.rng.random() < 0.3 else "")
                                             for i in range(len(keys))) + " LIMIT 5"
        return "SELECT %s FROM fact f%s GROUP BY %s%s%s" % (sel, state["where"], gb, having, order)

    def q_join(self, dialect, state):
        jt = state["jt"]
        sel = "x.name, " + ", ".join(state["aggs"])
        return ("SELECT %s FROM fact f %s JOIN dim x ON f.k1 = x.k1%s GROUP BY x.name"
                % (sel, jt, state["where"]))

    def q_join_rows(self, dialect, state):
        return ("SELECT f.id, x.name, x.grp FROM fact f JOIN dim x ON f.k1 = x.k1 AND x.grp = %d%s ORDER BY f.id LIMIT 30"
                % (state["grp"], state["where"]))

    def q_subquery(self, dialect, state):
        return ("SELECT COUNT(*), SUM(f.qty) FROM fact f WHERE f.qty > (SELECT AVG(qty) FROM fact WHERE k1 = %d)%s"
                % (state["k"], state["where"].replace(" WHERE ", " AND ", 1)))

    def q_union(self, dialect, state):
        return ("SELECT region, k1 FROM fact WHERE id < %d UNION%s SELECT name, k1 FROM dim WHERE grp = %d"
                % (state["n"], state["all"], state["grp"]))

    def q_derived(self, dialect, state):
        inner = "SELECT f.k1 AS k, COUNT(*) AS c FROM fact f%s GROUP BY f.k1" % state["where"]
        return "SELECT t.k, t.c, x.name FROM (%s) t LEFT JOIN dim x ON t.k = x.k1 WHERE t.c > %d" % (inner, state["c"])

    def q_case(self, dialect, state):
        return ("SELECT f.id, CASE WHEN f.amt IS NULL THEN 'none' WHEN f.amt < %d THEN 'low' ELSE 'high' END, "
                "COALESCE(f.word, f.region, 'x'), %s, f.qty + f.k1 * 2 FROM fact f%s ORDER BY f.id LIMIT 25"
                % (state["t"], div("f.qty", "(f.k1 + 1)", dialect), state["where"]))

    def q_distinct(self, dialect, state):
        return "SELECT DISTINCT f.region, f.qty %% 3 FROM fact f%s" % state["where"]

    def q_topn(self, dialect, state):
        return ("SELECT f.id, f.amt FROM fact f WHERE f.amt IS NOT NULL%s ORDER BY f.amt DESC, f.id LIMIT 10"
                % state["where"].replace(" WHERE ", " AND ", 1))

    def q_cte(self, dialect, state):
        return ("WITH big AS (SELECT k1, SUM(qty) AS s FROM fact WHERE k1 IS NOT NULL GROUP BY k1) "
                "SELECT x.grp, COUNT(*), SUM(b.s) FROM big b JOIN dim x ON b.k1 = x.k1 WHERE b.s > %d GROUP BY x.grp"
                % state["c"])

    def q_correlated(self, dialect, state):
        r = self.rng
        kind = r.choice(["EXISTS", "NOT EXISTS", "IN"])
        if kind == "IN":
            sub = "f.qty %% 10 IN (SELECT x.grp FROM dim x WHERE x.k1 = f.k1 AND x.score > %d)" % state["c"]
        else:
            sub = "%s (SELECT 1 FROM dim x WHERE x.k1 = f.k1 AND x.grp < %d)" % (kind, state["grp"])
        return "SELECT COUNT(*), SUM(f.qty), MIN(f.id) FROM fact f WHERE %s%s" % (
            sub, state["where"].replace(" WHERE ", " AND ", 1))

    def q_scalar(self, dialect, state):
        if self.rng.random() < 0.5:
            return ("SELECT f.id, (SELECT COUNT(*) FROM dim x WHERE x.k1 = f.k1), "
                    "(SELECT MAX(x.score) FROM dim x WHERE x.k1 = f.k1 AND x.grp > %d) FROM fact f%s ORDER BY f.id LIMIT 30"
                    % (state["grp"], state["where"]))
        return ("SELECT COUNT(*), SUM(f.qty) FROM fact f WHERE f.qty %% 10 > (SELECT AVG(x.grp) FROM dim x WHERE x.k1 = f.k1)%s"
                % state["where"].replace(" WHERE ", " AND ", 1))

    def generate(self, n):
        shapes = [self.q_filter_rows, self.q_global_agg, self.q_group, self.q_group, self.q_join, self.q_join_rows,
                  self.q_subquery, self.q_union, self.q_derived, self.q_case, self.q_distinct, self.q_topn, self.q_cte,
                  self.q_correlated, self.q_scalar]
        out = []
        for _ in range(n):
            shape = self.rng.choice(shapes)
            # draw every random choice once, then render both dialects from the same state
            seed = self.rng.random()
            texts = {}
            ordered = False
            for dialect in ("cairn", "sqlite"):
                self.rng_state = random.Random(seed)
                saved = self.rng
                self.rng = self.rng_state
                state = {
                    "where": self.where(dialect),
                    "aggs": [self.agg(dialect) for _ in range(self.rng.randint(1, 3))],
                    "keys": [self.group_key(dialect) for _ in range(self.rng.randint(1, 2))],
                    "having": self.rng.choice([None, 0, 5, 50]),
                    "ordered": self.rng.random() < 0.3,
                    "jt": self.rng.choice(["", "LEFT"]),
                    "grp": self.rng.randint(0, 9),
                    "k": self.rng.randint(0, 12),
                    "n": self.rng.randint(10, 400),
                    "all": self.rng.choice(["", " ALL"]),
                    "c": self.rng.randint(1, 200),
                    "t": self.rng.randint(0, 50000),
                }
                texts[dialect] = shape(dialect, state)
                ordered = shape in (self.q_join_rows, self.q_case, self.q_topn, self.q_scalar) or (
                    shape in (self.q_group, self.q_filter_rows) and state["ordered"])
                self.rng = saved
            out.append(Q(texts["cairn"], texts["sqlite"], ordered))
        return out
