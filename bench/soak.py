"""A bounded soak: anonymous catalog and course pages under wrk while signed-in learners enrol,
complete lessons, review and toggle their wishlist on the same courses, against the site served
as in bench/run.py (gunicorn, DEBUG off, seeded catalog). Checks: no 5xx and no unexpected answer,
the database holds every write the learners were told succeeded (and the counters match the rows),
no worker crashed or logged a traceback, and worker memory stays flat.

    python bench/soak.py                       # 60 s, 20 learners, 10,000 courses on SQLite
    python bench/soak.py --duration 300 --postgres
    python bench/soak.py --quick               # tiny catalog, 3 s (what the test suite runs)
"""

import http.client
import json
import random
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import load
import run

BENCH = Path(__file__).resolve().parent
CSRF_TOKEN = "soak" * 8  # a 32-character CSRF secret: sent as the cookie and as the header
# What each learner action answers when all is well.
EXPECTED_STATUS = {
    "enrol": 302,
    "lesson": 200,
    "complete": 200,
    "review": 302,
    "wishlist": 200,
    "dashboard": 200,
    "resume": 302,
}
MEMORY_GROWTH_LIMIT_MB = 16  # per worker, from a quarter of the soak to its end


def parse_args(argv=None):
    parser = run.build_parser(__doc__)
    parser.set_defaults(duration=60.0, output=BENCH / "soak.json")
    parser.add_argument("--soak-learners", type=int, default=20, help="signed-in learners")
    args = run.parse_args(argv, parser)
    # The soak writes: it seeds a database of its own, afresh each time, so that it starts from
    # a known state and leaves bench/run.py's database as it was.
    args.rebuild = True
    args.workdir = args.workdir / "soak"
    args.database_url += "_soak"
    args.shared, args.own = 3, 6  # courses every learner takes; courses of each learner's own
    if args.quick:
        args.duration, args.soak_learners, args.shared, args.own = 3.0, 4, 2, 3
    return args


class Learner(threading.Thread):
    """One signed-in learner working through their courses as fast as the site answers."""

    def __init__(self, base: str, plan: dict, deadline: float, seed: int):
        super().__init__(daemon=True)
        self.plan, self.deadline, self.rng = plan, deadline, random.Random(seed)
        parts = urlsplit(base)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        self.headers = {
            "Cookie": f"{plan['cookie']}; csrftoken={CSRF_TOKEN}",
            "X-CSRFToken": CSRF_TOKEN,
        }
        self.courses = {
            course["slug"]: {
                "lessons": course["lessons"],
                "done": set(course["done"]),
                "enrolled": False,
                "reviewed": False,
                "certificate": False,
                "wishlisted": None,
            }
            for course in plan["courses"]
        }
        self.latencies: list[float] = []
        self.statuses: dict[str, int] = {}
        self.unexpected: list[str] = []

    def call(self, action: str, method: str, path: str, form=None, json_answer=False):
        headers = dict(self.headers)
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if json_answer:
            headers["Accept"] = "application/json"
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            status, data = 0, str(error).encode()
        self.latencies.append(time.perf_counter() - started)
        kind = f"{status // 100}xx" if status else "socket error"
        self.statuses[kind] = self.statuses.get(kind, 0) + 1
        if status != EXPECTED_STATUS[action]:
            self.unexpected.append(f"{action} {path}: {status or data.decode()}")
            return None
        return json.loads(data) if json_answer else data

    def step(self, slug: str, course: dict) -> None:
        base = f"/courses/{slug}/"
        if not course["enrolled"]:
            course["enrolled"] = self.call("enrol", "POST", base + "enroll/", {}) is not None
            return
        choice = self.rng.random()
        if choice < 0.6:
            todo = [s for s in course["lessons"] if s not in course["done"]]
            lesson = todo[0] if todo else self.rng.choice(course["lessons"])
            done = "0" if lesson in course["done"] else "1"
            self.call("lesson", "GET", f"{base}lessons/{lesson}/")
            answer = self.call(
                "complete", "POST", f"{base}lessons/{lesson}/complete/", {"done": done}, True
            )
            if answer is not None:
                (course["done"].add if answer["done"] else course["done"].discard)(lesson)
                course["certificate"] |= bool(answer["certificate_url"])
        elif choice < 0.75:
            form = {"rating": self.rng.randint(1, 5), "text": "Soak test review: clear and useful."}
            course["reviewed"] |= self.call("review", "POST", base + "review/", form) is not None
        elif choice < 0.85:
            answer = self.call("wishlist", "POST", base + "wishlist/", {}, True)
            if answer is not None:
                course["wishlisted"] = answer["wishlisted"]
        elif choice < 0.95:
            self.call("dashboard", "GET", "/dashboard/")
        else:
            self.call("resume", "GET", base + "learn/")

    def run(self):
        slugs = list(self.courses)
        while time.monotonic() < self.deadline:
            slug = self.rng.choice(slugs)
            self.step(slug, self.courses[slug])
        self.connection.close()

    def state(self) -> dict:
        return {
            "email": self.plan["email"],
            "courses": {
                slug: {**course, "done": sorted(course["done"])}
                for slug, course in self.courses.items()
                if course["enrolled"]
            },
        }


class MemorySampler(threading.Thread):
    """Resident memory of each gunicorn worker (children of the master), once a second."""

    def __init__(self, master_pid: int):
        super().__init__(daemon=True)
        self.master_pid = master_pid
        self.samples: list[tuple[float, dict[int, float]]] = []
        self.stopped = threading.Event()

    def workers(self) -> dict[int, float]:
        children = Path(f"/proc/{self.master_pid}/task/{self.master_pid}/children")
        rss = {}
        for pid in children.read_text().split():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue  # the worker went away between the two reads
            kilobytes = next(line for line in status.splitlines() if line.startswith("VmRSS"))
            rss[int(pid)] = int(kilobytes.split()[1]) / 1024
        return rss

    def run(self):
        started = time.monotonic()
        while not self.stopped.wait(1.0):
            self.samples.append((time.monotonic() - started, self.workers()))

    def summary(self) -> dict:
        if len(self.samples) < 2:
            return {"samples": len(self.samples)}
        first_pids = set(self.samples[0][1])
        last_pids = set(self.samples[-1][1])
        quarter = self.samples[len(self.samples) // 4][1]
        end = self.samples[-1][1]
        growth = [end[pid] - quarter[pid] for pid in end if pid in quarter]
        return {
            "samples": len(self.samples),
            "workers": len(end),
            "restarted_workers": len(first_pids - last_pids),
            "rss_start_mb": round(sum(self.samples[0][1].values()) / len(first_pids), 1),
            "rss_end_mb": round(sum(end.values()) / len(end), 1),
            "rss_max_mb": round(max(max(s.values()) for _, s in self.samples), 1),
            "growth_after_warmup_mb": round(max(growth), 1) if growth else None,
        }


def soak(args) -> dict:
    bench = run.Bench(args)
    bench.build_database()
    if not args.quick:
        bench.manage("collectstatic", "--noinput")
    probe = [sys.executable, str(BENCH / "probe.py")]
    plan = json.loads(
        subprocess.run(
            [*probe, "--soak-plan", str(args.soak_learners), "--shared", str(args.shared),
             "--own", str(args.own)],
            env=bench.env(page_cache=0), cwd=run.ROOT, capture_output=True, text=True, check=True,
        ).stdout
    )  # fmt: skip
    log_path = args.workdir / "gunicorn.log"
    log_offset = log_path.stat().st_size if log_path.exists() else 0
    process, base = bench.serve("learning_platform.wsgi:application", page_cache=0)
    try:
        for path in plan["anonymous_pages"]:
            run.fetch(base + path, {})  # warm up
        sampler = MemorySampler(process.pid)
        sampler.start()
        deadline = time.monotonic() + args.duration
        learners = [
            Learner(base, learner, deadline, seed=args.seed + index)
            for index, learner in enumerate(plan["learners"])
        ]
        for learner in learners:
            learner.start()
        loader = bench.loader()
        if loader == "wrk":
            anonymous = load.run_wrk(
                base + "/",
                seconds=args.duration,
                connections=args.connections,
                headers={},
                paths=tuple(plan["anonymous_pages"]),
            )
        else:  # the Python generator loads one URL: the catalog
            anonymous = load.run_load(
                base + "/courses/",
                loader=loader,
                seconds=args.duration,
                connections=args.connections,
            )
        for learner in learners:
            learner.join(timeout=args.duration + 60)
        sampler.stopped.set()
        sampler.join()
    finally:
        run.stop(process)
    log = log_path.read_text(errors="replace")[log_offset:] if log_path.exists() else ""
    state = {"learners": [learner.state() for learner in learners]}
    verified = json.loads(
        subprocess.run(
            [*probe, "--soak-verify"], input=json.dumps(state), env=bench.env(page_cache=0),
            cwd=run.ROOT, capture_output=True, text=True, check=True,
        ).stdout
    )  # fmt: skip
    latencies = sorted(t for learner in learners for t in learner.latencies)
    statuses: dict[str, int] = {}
    for learner in learners:
        for kind, count in learner.statuses.items():
            statuses[kind] = statuses.get(kind, 0) + count
    unexpected = [line for learner in learners for line in learner.unexpected]
    memory = sampler.summary()
    learner_row = {
        "learners": len(learners),
        "requests": len(latencies),
        "rps": round(len(latencies) / args.duration, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else 0.0,
        "p99_ms": round(latencies[int(0.99 * (len(latencies) - 1))] * 1000, 1)
        if latencies
        else 0.0,
        "statuses": statuses,
        "unexpected": unexpected[:20],
        "unexpected_count": len(unexpected),
    }
    checks = [
        ("no error answers on anonymous pages", anonymous["errors"], anonymous["errors"] == 0),
        ("no 5xx for learners", statuses.get("5xx", 0), not statuses.get("5xx")),
        ("every learner action answered as expected", len(unexpected), not unexpected),
        ("database holds every acknowledged write", verified["problems"][:20],
         not verified["problems"]),
        ("no worker restarted", memory.get("restarted_workers"),
         memory.get("restarted_workers") == 0),
        ("no traceback in the server log", log.count("Traceback"), "Traceback" not in log),
        (f"worker memory flat (growth ≤ {MEMORY_GROWTH_LIMIT_MB} MB after warm-up)",
         memory.get("growth_after_warmup_mb"),
         (memory.get("growth_after_warmup_mb") or 0) <= MEMORY_GROWTH_LIMIT_MB),
    ]  # fmt: skip
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": run.machine_facts(),
        "settings": {
            "database": "postgresql" if args.postgres else "sqlite",
            "courses_seeded": args.courses,
            "seconds": args.duration,
            "gunicorn_workers": args.workers,
            "connections": args.connections,
        },
        "anonymous": {**anonymous, "pages": plan["anonymous_pages"]},
        "learners": learner_row,
        "courses_checked": verified["courses_checked"],
        "memory": memory,
        "checks": [{"check": c, "value": v, "ok": ok} for c, v, ok in checks],
    }


def report(results: dict) -> str:
    a, lr, m, s = results["anonymous"], results["learners"], results["memory"], results["settings"]
    lines = [
        "| load | requests | req/s | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|",
        f"| anonymous pages ({len(a['pages'])} URLs, {a['loader']}) | {a['requests']:,} "
        f"| {a['rps']:.0f} | {a['p50_ms']:.1f} | {a['p99_ms']:.1f} | {a['errors']} |",
        f"| {lr['learners']} learners (enrol, lesson, complete, review, wishlist, dashboard) "
        f"| {lr['requests']:,} | {lr['rps']:.0f} | {lr['p50_ms']:.1f} | {lr['p99_ms']:.1f} "
        f"| {lr['unexpected_count']} |",
        "",
        f"Workers: {m.get('workers')} × RSS {m.get('rss_start_mb')} → {m.get('rss_end_mb')} MB "
        f"(max {m.get('rss_max_mb')} MB, growth after warm-up {m.get('growth_after_warmup_mb')} "
        f"MB); {results['courses_checked']} courses checked against the learners' "
        f"acknowledged writes.",
        "",
    ]
    lines += [
        f"- {'✅' if c['ok'] else '❌'} {c['check']}: {c['value']}" for c in results["checks"]
    ]
    lines.append("")
    lines.append(
        f"{s['seconds']:g} s on {s['database']} ({s['courses_seeded']:,} courses seeded), "
        f"gunicorn × {s['gunicorn_workers']} sync workers, wrk {s['connections']} connections; "
        f"{results['machine']['nproc']} CPU ({results['machine']['cpu']}); {results['when']}."
    )
    return "\n".join(lines)


def main(argv=None) -> int:
    args = parse_args(argv)
    results = soak(args)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(report(results))
    run.log(f"wrote {args.output}")
    return 0 if all(check["ok"] for check in results["checks"]) else 1


if __name__ == "__main__":
    sys.exit(main())
