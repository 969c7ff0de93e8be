"""The cold table: what pages cost with every cache off, over many distinct URLs, in-process.

    DATABASE_URL=sqlite:///bench/work/sqlite-10000-2026.sqlite3 python bench/cold.py
    python bench/cold.py --n 300 --kinds search course      # fewer URLs, two kinds

Runs inside the site's settings with CACHE_PAGE_SECONDS=0 and CACHE_FRAGMENT_SECONDS=0: no page
comes from a cache, so each request costs what the first visitor of that URL pays. Each URL is
requested once (after one unmeasured request to another URL of its kind, so templates and the
URL resolver are warm) by Django's test client: no network, no queueing. Prints a Markdown table
(p50, p95, max milliseconds and the most SQL queries a page of that kind made) and the targets of
issue #15, and with --output writes them as JSON.

The insights row is the studio's insights page of one course with many learners (seeded by
bench/insights.py; the row is left out when it is not), requested --n times by its instructor:
it is never cached, so every request is a cold one.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_N = {"search": 1500, "course": 1000, "catalog": 1000, "sitemap": 50, "insights": 30}
# p50 targets in ms at 100,000 courses; at 10,000 and fewer, half of them (issue #15).
TARGETS_100K = {"search": 30, "catalog": 40, "course": 15, "sitemap": 300}
# p50 targets in ms whatever the size of the catalog: the insights page of a course of 10,000
# learners (issue #19).
TARGETS_FIXED = {"insights": 150}


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(kind, paths, user=None):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    if user is not None:
        client.force_login(user)
    client.get(paths[-1])  # warm the templates and the resolver, not the data
    timings, queries, statuses = [], 0, {}
    for path in paths:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
        queries = max(queries, len(captured))
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    return {
        "kind": kind,
        "urls": len(set(paths)),
        "requests": len(paths),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "max_ms": round(max(timings), 1),
        "max_queries": queries,
        "statuses": {str(code): n for code, n in sorted(statuses.items())},
    }


def check_targets(rows, courses):
    scale = 1.0 if courses > 50_000 else 0.5
    checks = []
    for row in rows:
        limit = TARGETS_100K.get(row["kind"])
        if limit is not None:
            limit *= scale
        else:
            limit = TARGETS_FIXED.get(row["kind"])
        if limit is not None:
            checks.append(
                {
                    "check": f"{row['kind']} cold p50 ≤ {limit:g} ms",
                    "value": row["p50_ms"],
                    "ok": row["p50_ms"] <= limit,
                }
            )
    return checks


def table(rows, facts):
    lines = [
        "| page | distinct URLs | p50 ms | p95 ms | max ms | SQL (max) | answers |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        answers = ", ".join(f"{n}× {status}" for status, n in row["statuses"].items())
        lines.append(
            f"| {row['kind']} | {row['urls']:,} | {row['p50_ms']} | {row['p95_ms']} "
            f"| {row['max_ms']} | {row['max_queries']} | {answers} |"
        )
    lines.append("")
    lines.append(
        f"{facts['courses']:,} published courses on {facts['database']}; caches off; "
        "in-process, one request at a time."
    )
    if facts.get("insights_learners"):
        lines.append(
            f"insights: one course's studio page, {facts['insights_learners']:,} learners, "
            "requested by its instructor (distinct URLs: 1, every request cold)."
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kinds", nargs="+", default=list(DEFAULT_N))
    parser.add_argument("--n", type=int, help="distinct URLs per kind (default: 1,500 searches, "
                        "1,000 course pages, 1,000 catalog pages, 50 sitemap pages)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)

    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learning_platform.settings")
    os.environ["CACHE_PAGE_SECONDS"] = "0"
    os.environ["CACHE_FRAGMENT_SECONDS"] = "0"
    import django

    django.setup()
    import insights
    import longtail
    from django.db import connection

    from courses.models import Course

    rows = []
    facts = {"courses": Course.objects.published().count(), "database": connection.vendor}
    for kind in args.kinds:
        n = args.n or DEFAULT_N[kind]
        if kind == "insights":
            found = insights.find()
            if found:
                course, instructor = found
                facts["insights_learners"] = course.enrollments.count()
                rows.append(measure(kind, [insights.path(course)] * n, user=instructor))
            continue
        paths = longtail.sample(kind, n, args.seed)
        if paths:
            rows.append(measure(kind, paths))
    targets = check_targets(rows, facts["courses"])
    print(table(rows, facts))
    for check in targets:
        print(f"- {'✅' if check['ok'] else '❌'} {check['check']}: {check['value']}")
    if args.output:
        results = {"facts": facts, "rows": rows, "targets": targets}
        args.output.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
