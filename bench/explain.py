"""Print the query plan of every SQL query the benchmarked pages run, on the configured database.

    DATABASE_URL=sqlite:///bench/work/sqlite-10000-2026.sqlite3 python bench/explain.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lp_bench python bench/explain.py --analyze

Each page is requested once with Django's test client; its queries are captured (SQL and
parameters) and explained: SQLite `EXPLAIN QUERY PLAN`, PostgreSQL `EXPLAIN` (`--analyze` runs
them). Full scans of a catalog table are flagged with "!!" (SQLite "SCAN <table>" without an
index, PostgreSQL "Seq Scan") and so are queries that took 20 ms or more.
"""

import argparse
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learning_platform.settings")
os.environ.setdefault("CACHE_PAGE_SECONDS", "0")

import django  # noqa: E402

django.setup()

import probe  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

# Small tables (a few rows per page or per user) where a scan is fine.
SMALL_TABLES = ("courses_category", "django_session", "django_site", "users_user_groups")
SLOW_MS = 20.0
FULL_SCAN = re.compile(r"^\s*SCAN (\w+)\b(?! USING| VIRTUAL TABLE)|Seq Scan on (\w+)", re.MULTILINE)


def capture(client, path):
    queries = []

    def wrapper(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append((sql, params, (time.perf_counter() - started) * 1000))

    with connection.execute_wrapper(wrapper):
        response = client.get(path)
    return response, queries


def plan(sql, params, analyze):
    if connection.vendor == "sqlite":
        prefix = "EXPLAIN QUERY PLAN "
    else:
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if analyze else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        rows = cursor.fetchall()
    if connection.vendor == "sqlite":
        return "\n".join(f"{'  ' * (row[1] > 0)}{row[-1]}" for row in rows)
    return "\n".join(row[0] for row in rows)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--analyze", action="store_true", help="PostgreSQL: EXPLAIN ANALYZE")
    parser.add_argument("--only", action="append", default=[], help="page names")
    args = parser.parse_args()

    targets, cookie = probe.pick_targets()
    anonymous, signed_in = Client(), Client(headers={"cookie": cookie})
    flagged = []
    print(f"# Query plans on {connection.vendor} ({connection.settings_dict['NAME']})\n")
    for target in targets:
        if args.only and target["name"] not in args.only:
            continue
        client = signed_in if target["signed_in"] else anonymous
        client.get(target["path"])  # warm up
        response, queries = capture(client, target["path"])
        total = sum(ms for *_q, ms in queries)
        print(f"## {target['name']}: {target['path']}")
        print(f"{response.status_code}, {len(queries)} queries, {total:.1f} ms in SQL\n")
        for number, (sql, params, ms) in enumerate(queries, 1):
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            text = plan(sql, params, args.analyze)
            scans = [
                table
                for match in FULL_SCAN.finditer(text)
                for table in match.groups()
                if table and table not in SMALL_TABLES and not table.startswith("subquery")
            ]
            slow = ms >= SLOW_MS
            mark = "!!" if scans or slow else "ok"
            if scans or slow:
                flagged.append((target["name"], number, scans, ms))
            print(
                f"{mark} query {number} ({ms:.1f} ms): {sql[:160]}{'…' if len(sql) > 160 else ''}"
            )
            print("   " + text.replace("\n", "\n   ") + "\n")
    print("# Summary")
    if not flagged:
        print("Every query uses an index (or reads a small table).")
    for name, number, scans, ms in flagged:
        print(
            f"!! {name}, query {number} ({ms:.1f} ms): "
            + (f"full scan of {', '.join(sorted(set(scans)))}" if scans else "slow")
        )


if __name__ == "__main__":
    main()
