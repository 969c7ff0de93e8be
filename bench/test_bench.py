"""The benchmark harness itself: a quick run end to end, and the pure-Python load fallback."""

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import load
import pytest
import run

BENCH = Path(__file__).resolve().parent
ROW_KEYS = {
    "name",
    "path",
    "mode",
    "rps",
    "p50_ms",
    "p99_ms",
    "errors",
    "bytes",
    "sql_queries",
    "ratio",
    "requests",
    "loader",
    "server_ms",
    "cold_ms",
}


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """One quick run (tiny catalog, 1 s per URL) on a few pages, anonymous and signed in."""
    workdir = tmp_path_factory.mktemp("bench")
    output = workdir / "results.json"
    completed = subprocess.run(
        [
            sys.executable,
            str(BENCH / "run.py"),
            "--quick",
            "--workdir",
            str(workdir),
            "--output",
            str(output),
            "--only",
            "catalog",
            "--only",
            "course",
            "--only",
            "lesson (enrolled)",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed.stdout, json.loads(output.read_text())


def test_quick_run_prints_the_table(quick_run):
    stdout, _results = quick_run
    assert (
        "| page | URL | mode | req/s | p50 ms | p99 ms | errors | bytes | SQL | cold ms | warm ms "
        "| × floor |" in stdout
    )
    assert "| floor |" in stdout
    assert "| catalog | `/courses/` | uncached |" in stdout
    assert "| catalog | `/courses/` | cached |" in stdout


def test_quick_run_writes_results_with_every_column(quick_run):
    _stdout, results = quick_run
    assert {"when", "machine", "settings", "rows", "targets"} <= set(results)
    assert {"nproc", "cpu", "python", "django", "gunicorn"} <= set(results["machine"])
    rows = {(row["name"], row["mode"]): row for row in results["rows"]}
    assert set(rows) == {
        ("floor", "floor"),
        ("catalog", "uncached"),
        ("course", "uncached"),
        ("lesson (enrolled)", "uncached"),
        ("catalog", "cached"),
        ("course", "cached"),
        ("catalog", "long tail"),
        ("course", "long tail"),
    }
    for row in rows.values():
        assert set(row) >= ROW_KEYS
        assert row["requests"] > 0


def test_quick_run_loads_distinct_urls_in_the_long_tail_rows(quick_run):
    stdout, results = quick_run
    tail = [row for row in results["rows"] if row["mode"] == "long tail"]
    assert all(row["path"].endswith("distinct URLs") for row in tail)
    assert "| course | `3 distinct URLs` | long tail |" in stdout


def test_quick_run_measures_the_cold_table(quick_run):
    stdout, results = quick_run
    kinds = {row["kind"]: row for row in results["cold"]["rows"]}
    assert {"search", "course", "catalog", "sitemap"} <= set(kinds)
    assert all(row["urls"] > 0 and row["p50_ms"] > 0 for row in kinds.values())
    assert "Cold, in-process (caches off)" in stdout
    assert any(check["check"].startswith("course cold p50") for check in results["targets"])


def test_quick_run_pages_answer_without_errors(quick_run):
    _stdout, results = quick_run
    for row in results["rows"]:
        assert row["errors"] == 0, row
        assert row["status"] == 200, row


def test_quick_run_counts_sql_queries_of_real_pages(quick_run):
    _stdout, results = quick_run
    rows = {(row["name"], row["mode"]): row for row in results["rows"]}
    assert rows[("catalog", "uncached")]["sql_queries"] > 0
    assert rows[("lesson (enrolled)", "uncached")]["bytes"] > 1000  # the lesson, not a login page
    assert rows[("catalog", "cached")]["sql_queries"] == 0
    assert rows[("floor", "floor")]["ratio"] == 1.0


@pytest.fixture(scope="module")
def quick_soak(tmp_path_factory):
    """A quick soak (tiny catalog, 3 s): anonymous load while learners enrol and complete."""
    workdir = tmp_path_factory.mktemp("soak")
    output = workdir / "soak.json"
    completed = subprocess.run(
        [sys.executable, str(BENCH / "soak.py"), "--quick", "--workdir", str(workdir),
         "--output", str(output)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    return completed, json.loads(output.read_text())


def test_quick_soak_passes_its_checks(quick_soak):
    completed, results = quick_soak
    assert completed.returncode == 0, completed.stdout + completed.stderr
    checks = {check["check"]: check["ok"] for check in results["checks"]}
    assert "database holds every acknowledged write" in checks
    assert all(checks.values()), results["checks"]


def test_quick_soak_reports_load_memory_and_writes(quick_soak):
    completed, results = quick_soak
    assert "| anonymous pages (" in completed.stdout
    assert results["anonymous"]["requests"] > 0
    learners = results["learners"]
    assert learners["learners"] == 4
    assert learners["statuses"].get("2xx", 0) + learners["statuses"].get("3xx", 0) > 0
    assert results["courses_checked"] > 0
    assert results["memory"]["workers"] == 2
    assert results["memory"]["samples"] >= 2


class _Ok(BaseHTTPRequestHandler):
    def do_GET(self):
        status = 500 if self.path == "/broken" else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def tiny_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_python_loader_measures_a_server(tiny_server):
    result = load.run_python(
        tiny_server + "/", seconds=5, connections=2, headers={}, max_requests=40
    )
    assert result["requests"] == 40
    assert result["errors"] == 0
    assert result["rps"] > 0
    assert 0 < result["p50_ms"] <= result["p99_ms"]


def test_python_loader_counts_error_answers(tiny_server):
    result = load.run_python(
        tiny_server + "/broken", seconds=5, connections=2, headers={}, max_requests=10
    )
    assert result["errors"] == 10


def test_missing_wrk_message_says_how_to_install_it():
    assert "apt-get install wrk" in load.WRK_MISSING


def test_targets_flag_misses_and_big_pages():
    rows = [
        {"name": "catalog", "mode": "uncached", "ratio": 0.1, "errors": 0, "bytes": 70_000},
        {"name": "course", "mode": "cached", "ratio": 0.9, "errors": 0, "bytes": 10},
        {"name": "search", "mode": "long tail", "ratio": 0.04, "errors": 0, "bytes": None},
    ]
    checks = {check["check"]: check["ok"] for check in run.check_targets(rows)}
    assert checks["search (long tail) ≥ 0.05× floor"] is False
    assert checks["course (cached) ≥ 0.57× floor"] is True
    assert checks["catalog HTML ≤ 60 KB"] is False
    assert checks["no errors under load"] is True


@pytest.mark.django_db
def test_soak_verify_reports_lost_writes_and_wrong_counters():
    import probe

    from courses.tests.factories import course_with_lessons
    from learning.tests.factories import EnrollmentFactory
    from users.tests.factories import UserFactory

    learner = UserFactory()
    course = course_with_lessons(enrollment_count=5)
    EnrollmentFactory(user=learner, course=course)
    lesson = course.lessons.first()
    state = {
        "learners": [
            {
                "email": learner.email,
                "courses": {
                    course.slug: {
                        "done": [lesson.slug],
                        "reviewed": True,
                        "certificate": False,
                        "wishlisted": None,
                    }
                },
            }
        ]
    }
    problems = probe.soak_verify(state)["problems"]
    assert any("lessons done in the database" in p for p in problems)
    assert any("review" in p for p in problems)
    assert any("enrollment_count = 5, rows: 1" in p for p in problems)
