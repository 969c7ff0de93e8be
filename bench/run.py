"""Benchmark the site against the Django floor (see bench/README.md).

    python bench/run.py                      # 10,000 courses, SQLite, uncached + cached rows
    python bench/run.py --courses 100000 --postgres --only search
    python bench/run.py --quick              # tiny catalog, 1 s per URL (used by the test suite)

Builds (or reuses) a seeded database, serves the site and a bare "ok" Django app with the same
gunicorn command, loads each page with wrk (or a pure-Python fallback) for a bounded time, prints
a table and writes bench/results.json.
"""

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import load

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/lp_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/15"

# ratio-to-floor targets, checked on the rows of the same run: the long tail (issue #15) and
# pages from the page cache (within 10 % of the 0.63 of 2026-12-03, issue #16)
TARGETS = {
    ("search", "long tail"): 0.05,
    ("course", "long tail"): 0.10,
    ("catalog", "long tail"): 0.08,
    ("catalog", "cached"): 0.57,
    ("course", "cached"): 0.57,
}
LONG_TAIL = {"search": 1500, "course": 5000, "catalog": 3000}
CATALOG_MAX_BYTES = 60 * 1024


def build_parser(description: str = __doc__) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description.split("\n\n")[0])
    parser.add_argument("--courses", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--learners", type=int, help="default: seed_catalog's (courses / 5)")
    parser.add_argument(
        "--insights-learners",
        type=int,
        default=10_000,
        help="learners of the course of the insights row (bench/insights.py; 0: no such row)",
    )
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per URL")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL + Redis")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS))
    parser.add_argument(
        "--cache",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also load the anonymous pages with the page cache on (default: yes)",
    )
    parser.add_argument("--only", action="append", default=[], help="row names to run")
    parser.add_argument("--loader", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--rebuild", action="store_true", help="seed a fresh database")
    parser.add_argument("--prepare", action="store_true", help="only build the database")
    parser.add_argument(
        "--cold-only",
        action="store_true",
        help="only build the database and print the in-process cold table (no servers, no load)",
    )
    parser.add_argument("--workdir", type=Path, default=BENCH / "work")
    parser.add_argument("--output", type=Path, default=BENCH / "results.json")
    parser.add_argument(
        "--long-tail",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also load thousands of distinct search, course and catalog URLs (default: yes)",
    )
    parser.add_argument(
        "--cold",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also measure the in-process cold table, caches off (bench/cold.py; default: yes)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="30 courses, 1 s per URL, 2 connections"
    )
    return parser


def parse_args(argv=None, parser=None):
    args = (parser or build_parser()).parse_args(argv)
    if args.quick:
        args.courses, args.learners, args.duration, args.connections = 30, 10, 1.0, 2
        args.insights_learners = min(args.insights_learners, 50)
    return args


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Bench:
    def __init__(self, args):
        self.args = args
        self.args.workdir.mkdir(parents=True, exist_ok=True)
        if args.postgres:
            self.database_url = args.database_url
        else:
            name = "quick" if args.quick else f"sqlite-{args.courses}-{args.seed}"
            self.database_url = f"sqlite:///{args.workdir / name}.sqlite3"
        size = "quick" if args.quick else args.courses
        database = f"pg-{self.database_url.rpartition('/')[2]}" if args.postgres else "sqlite"
        self.marker = args.workdir / f"{database}-{size}.json"
        self.secret = secrets.token_urlsafe(50)

    def env(self, *, page_cache: int) -> dict:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "learning_platform.settings",
            "DEBUG": "False",
            "SECRET_KEY": self.secret,
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "DATABASE_URL": self.database_url,
            "CACHE_PAGE_SECONDS": str(page_cache),
            # plain HTTP on the loopback: no redirect to https
            "SECURE_SSL_REDIRECT": "False",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
            # quick runs skip collectstatic (no manifest needed; static files are not loaded)
            "STATIC_MANIFEST": "False" if self.args.quick else "True",
        }
        env.pop("REDIS_URL", None)
        if self.args.postgres:
            env["REDIS_URL"] = self.args.redis_url
        return env

    def manage(self, *command: str) -> str:
        completed = subprocess.run(
            [PYTHON, "manage.py", *command],
            cwd=ROOT,
            env=self.env(page_cache=0),
            capture_output=True,
            text=True,
        )
        if completed.returncode != 0:
            raise SystemExit(
                f"manage.py {' '.join(command)} failed:\n{completed.stdout}{completed.stderr}"
            )
        return completed.stdout

    # --- database -----------------------------------------------------------------------------
    def wanted(self) -> dict:
        return {
            "courses": self.args.courses,
            "seed": self.args.seed,
            "learners": self.args.learners,
        }

    def database_ready(self) -> bool:
        if self.args.rebuild or not self.marker.exists():
            return False
        if json.loads(self.marker.read_text()) != self.wanted():
            return False
        return self.args.postgres or Path(self.database_url.removeprefix("sqlite:///")).exists()

    def build_database(self) -> None:
        if self.database_ready():
            log(f"reusing the seeded database ({self.args.courses} courses)")
            self.manage("migrate", "--noinput")
            self.seed_insights()
            self.analyze()
            return
        self.marker.unlink(missing_ok=True)
        if self.args.postgres:
            self.recreate_postgres()
        else:
            path = Path(self.database_url.removeprefix("sqlite:///"))
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        log("migrating")
        self.manage("migrate", "--noinput")
        log(f"seeding {self.args.courses} courses (seed {self.args.seed})")
        started = time.monotonic()
        learners = [] if self.args.learners is None else ["--learners", str(self.args.learners)]
        self.manage(
            "seed_catalog",
            "--courses",
            str(self.args.courses),
            "--seed",
            str(self.args.seed),
            "--no-progress",
            *learners,
        )
        log(f"seeded in {time.monotonic() - started:.0f} s")
        self.seed_insights()
        self.analyze()
        self.marker.write_text(json.dumps(self.wanted()))

    def seed_insights(self) -> None:
        """The course of the insights row (kept when already seeded with as many learners)."""
        if self.args.insights_learners > 0:
            learners = str(self.args.insights_learners)
            subprocess.run(
                [PYTHON, str(BENCH / "insights.py"), "--learners", learners],
                cwd=ROOT,
                env=self.env(page_cache=0),
                check=True,
            )

    def analyze(self) -> None:
        """Planner statistics, as after any bulk load (SQLite has none until ANALYZE runs)."""
        self.manage(
            "shell",
            "-c",
            "from django.db import connection; connection.cursor().execute('ANALYZE')",
        )

    def recreate_postgres(self) -> None:
        base, _, name = self.database_url.rpartition("/")
        code = (
            "import psycopg,sys\n"
            "with psycopg.connect(sys.argv[1] + '/postgres', autocommit=True) as c:\n"
            "    c.execute('DROP DATABASE IF EXISTS \"' + sys.argv[2] + '\" WITH (FORCE)')\n"
            "    c.execute('CREATE DATABASE \"' + sys.argv[2] + '\"')\n"
        )
        subprocess.run([PYTHON, "-c", code, base, name], check=True)

    # --- servers ------------------------------------------------------------------------------
    def serve(self, app: str, *, page_cache: int, chdir: Path = ROOT, ready: str = "/robots.txt"):
        port = free_port()
        command = [
            GUNICORN,
            app,
            "--workers",
            str(self.args.workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--chdir",
            str(chdir),
            "--log-level",
            "warning",
            "--graceful-timeout",
            "5",
        ]
        process = subprocess.Popen(
            command,
            env=self.env(page_cache=page_cache),
            stdout=subprocess.DEVNULL,
            stderr=(self.args.workdir / "gunicorn.log").open("a"),
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit(f"gunicorn {app} exited; see {self.args.workdir}/gunicorn.log")
            try:
                with urllib.request.urlopen(base + ready, timeout=2):
                    return process, base
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        stop(process)
        raise SystemExit(f"gunicorn {app} did not answer within 60 s")

    def loader(self) -> str:
        if self.args.loader != "auto":
            return self.args.loader
        if load.wrk_path():
            return "wrk"
        log(load.WRK_MISSING)
        return "python"

    def load(self, url: str, headers: dict, paths=()) -> dict:
        # warm up: templates, the process's caches, the page cache when it is on (a long-tail
        # row warms only the templates: its URLs are meant to be met for the first time)
        for _ in range(2 * self.args.workers):
            fetch(url, headers)
        return load.run_load(
            url,
            loader=self.loader(),
            seconds=self.args.duration,
            connections=self.args.connections,
            headers=headers,
            paths=paths,
        )

    # --- the run ------------------------------------------------------------------------------
    def run(self) -> dict:
        self.build_database()
        if not self.args.quick:
            log("collecting static files")
            self.manage("collectstatic", "--noinput")
        sizes = [str(3 if self.args.quick else n) for n in LONG_TAIL.values()]
        probe = json.loads(
            subprocess.run(
                [PYTHON, str(BENCH / "probe.py"), "--long-tail", *sizes],
                cwd=ROOT,
                env=self.env(page_cache=0),
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        targets = [t for t in probe["targets"] if not self.args.only or t["name"] in self.args.only]
        rows = []

        log("loading the floor")
        process, base = self.serve("floor:application", page_cache=0, chdir=BENCH, ready="/")
        try:
            floor = self.load(base + "/", {})
            floor_bytes = len(fetch(base + "/", {}))
        finally:
            stop(process)
        rows.append(
            {
                "name": "floor",
                "path": "/ (bare Django)",
                "mode": "floor",
                **floor,
                "bytes": floor_bytes,
                "server_ms": None,
                "cold_ms": None,
                "sql_queries": 0,
                "status": 200,
            }
        )

        modes = [("uncached", 0)] + ([("cached", 300)] if self.args.cache else [])
        for mode, seconds in modes:
            process, base = self.serve("learning_platform.wsgi:application", page_cache=seconds)
            try:
                if mode == "uncached":
                    static = static_headers(base)
                for target in targets:
                    if mode == "cached" and target["signed_in"]:
                        continue  # signed-in pages never come from the page cache
                    headers = {"Cookie": probe["cookie"]} if target["signed_in"] else {}
                    log(f"{mode}: {target['path']}")
                    body = fetch(base + target["path"], headers)
                    result = self.load(base + target["path"], headers)
                    rows.append(
                        {
                            **target,
                            "mode": mode,
                            **result,
                            "bytes": len(body),
                            "sql_queries": 0 if mode == "cached" else target["sql_queries"],
                            "server_ms": None if mode == "cached" else target["server_ms"],
                            "cold_ms": None if mode == "cached" else target["cold_ms"],
                        }
                    )
            finally:
                stop(process)
        if self.args.long_tail:
            rows += self.long_tail(probe["long_tail"])
        for row in rows:
            row["ratio"] = round(row["rps"] / floor["rps"], 3) if floor["rps"] else 0.0
        cold = self.cold_table() if self.args.cold else None
        return {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine_facts(),
            "settings": {
                "courses": probe["courses_published"],
                "courses_seeded": self.args.courses,
                "database": probe["database"],
                "database_version": probe["database_version"],
                "cache": "redis" if self.args.postgres else "locmem",
                "gunicorn_workers": self.args.workers,
                "connections": self.args.connections,
                "seconds_per_url": self.args.duration,
                "loader": rows[0]["loader"],
            },
            "rows": rows,
            "cold": cold,
            "static": static,
            "targets": check_targets(rows)
            + check_static(static, quick=self.args.quick)
            + (cold["targets"] if cold else []),
        }

    def long_tail(self, paths_by_kind: dict) -> list[dict]:
        """Thousands of distinct URLs a kind, in random order, as served in production (page
        cache and fragments on): what real traffic, mostly URLs seen once, gets."""
        rows = []
        process, base = self.serve("learning_platform.wsgi:application", page_cache=300)
        try:
            for kind, paths in paths_by_kind.items():
                if self.args.only and kind not in self.args.only:
                    continue
                log(f"long tail: {len(paths)} distinct {kind} URLs")
                result = self.load(base + paths[0], {}, paths=paths)
                rows.append(
                    {
                        "name": kind,
                        "path": f"{len(paths):,} distinct URLs",
                        "mode": "long tail",
                        **result,
                        "bytes": None,
                        "sql_queries": None,
                        "server_ms": None,
                        "cold_ms": None,
                        "status": 200,
                    }
                )
        finally:
            stop(process)
        return rows

    def cold_table(self) -> dict:
        """bench/cold.py in the bench's settings and database: p50/p95 over distinct URLs."""
        output = self.args.workdir / "cold.json"
        command = [PYTHON, str(BENCH / "cold.py"), "--output", str(output)]
        if self.args.quick:
            command += ["--n", "5"]
        log("cold table (in-process, caches off)")
        subprocess.run(
            command, cwd=ROOT, env=self.env(page_cache=0), check=True, stdout=subprocess.DEVNULL
        )
        return json.loads(output.read_text())


def static_headers(base: str) -> dict:
    """How the site serves its stylesheet: hashed name, cache lifetime, compression."""
    match = re.search(rb'href="(/static/css/site[^"]*\.css)"', fetch(base + "/", {}))
    if not match:
        return {"url": None}
    url = match.group(1).decode()
    request = urllib.request.Request(base + url, headers={"Accept-Encoding": "gzip, br"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return {
                "url": url,
                "cache_control": response.headers.get("Cache-Control", ""),
                "content_encoding": response.headers.get("Content-Encoding", ""),
            }
    except urllib.error.URLError as error:  # quick runs serve no collected static files
        return {"url": url, "error": str(error)}


def fetch(url: str, headers: dict) -> bytes:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        return error.read()


def stop(process) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def machine_facts() -> dict:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions = subprocess.run(
        [
            PYTHON,
            "-c",
            "import django, gunicorn; print(django.get_version(), gunicorn.__version__)",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    wrk = load.wrk_path()
    wrk_version = ""
    if wrk:
        out = subprocess.run([wrk, "-v"], capture_output=True, text=True)
        wrk_version = (out.stdout + out.stderr).split("\n")[0].strip()
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "django": versions[0],
        "gunicorn": versions[1],
        "wrk": wrk_version or "not installed",
    }


def check_targets(rows) -> list[dict]:
    found = {(row["name"], row["mode"]): row for row in rows}
    checks = []
    for (name, mode), minimum in TARGETS.items():
        row = found.get((name, mode))
        if row:
            checks.append(
                {
                    "check": f"{name} ({mode}) ≥ {minimum}× floor",
                    "value": row["ratio"],
                    "ok": row["ratio"] >= minimum,
                }
            )
    errors = sum(row["errors"] for row in rows)
    checks.append({"check": "no errors under load", "value": errors, "ok": errors == 0})
    bad_status = [row["name"] for row in rows if row.get("status", 200) >= 400]
    checks.append({"check": "every page answers 200", "value": bad_status, "ok": not bad_status})
    catalog = found.get(("catalog", "uncached"))
    if catalog:
        checks.append(
            {
                "check": f"catalog HTML ≤ {CATALOG_MAX_BYTES // 1024} KB",
                "value": catalog["bytes"],
                "ok": catalog["bytes"] <= CATALOG_MAX_BYTES,
            }
        )
    return checks


def check_static(static: dict, *, quick: bool) -> list[dict]:
    if quick:  # quick runs skip collectstatic: no manifest to check
        return []
    max_age = re.search(r"max-age=(\d+)", static.get("cache_control", ""))
    far_future = (
        bool(max_age)
        and int(max_age.group(1)) >= 31536000
        and bool(re.search(r"\.[0-9a-f]{12}\.css$", static.get("url") or ""))
    )
    return [
        {
            "check": "static files hashed, far-future cached and compressed",
            "value": static,
            "ok": far_future and static.get("content_encoding") in ("gzip", "br"),
        }
    ]


def cold_table(cold: dict) -> str:
    import cold as cold_module

    return cold_module.table(cold["rows"], cold["facts"])


def dash(value) -> str:
    return "–" if value is None else f"{value}"


def table(results: dict) -> str:
    lines = [
        "| page | URL | mode | req/s | p50 ms | p99 ms | errors | bytes | SQL | cold ms | warm ms "
        "| × floor |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in results["rows"]:
        path = row["path"] if len(row["path"]) <= 60 else row["path"][:57] + "…"
        size = "–" if row["bytes"] is None else f"{row['bytes']:,}"
        lines.append(
            f"| {row['name']} | `{path}` | {row['mode']} | {row['rps']:.0f} | {row['p50_ms']:.1f} "
            f"| {row['p99_ms']:.1f} | {row['errors']} | {size} | {dash(row['sql_queries'])} "
            f"| {dash(row['cold_ms'])} | {dash(row['server_ms'])} | {row['ratio']:.2f} |"
        )
    lines.append("")
    for check in results["targets"]:
        lines.append(f"- {'✅' if check['ok'] else '❌'} {check['check']}: {check['value']}")
    m, s = results["machine"], results["settings"]
    lines.append("")
    if results.get("cold"):
        lines += [
            "",
            "Cold, in-process (caches off), over distinct URLs:",
            "",
            cold_table(results["cold"]),
        ]
    lines.append("")
    lines.append(
        f"{s['courses']:,} published courses on {s['database']} {s['database_version']}, cache "
        f"{s['cache']}; gunicorn {m['gunicorn']} × {s['gunicorn_workers']} sync workers; "
        f"{s['loader']} {s['connections']} connections × {s['seconds_per_url']:g} s per URL. "
        f"Machine: {m['nproc']} CPU ({m['cpu']}), {m['os']}, Python {m['python']}, "
        f"Django {m['django']}; {results['when']}."
    )
    return "\n".join(lines)


def main(argv=None) -> int:
    args = parse_args(argv)
    if not Path(GUNICORN).exists() and not shutil.which("gunicorn"):
        raise SystemExit("gunicorn is missing: run `make install`")
    if args.prepare:
        Bench(args).build_database()
        return 0
    if args.cold_only:
        bench = Bench(args)
        bench.build_database()
        if not args.quick:  # the pages name hashed static files: they need the manifest
            log("collecting static files")
            bench.manage("collectstatic", "--noinput")
        cold = bench.cold_table()
        print(cold_table(cold))
        for check in cold["targets"]:
            print(f"- {'✅' if check['ok'] else '❌'} {check['check']}: {check['value']}")
        return 0
    results = Bench(args).run()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    log(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
