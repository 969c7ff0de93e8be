"""Load generators: wrk (preferred) and a small pure-Python fallback.

Both return the same dict: requests, seconds, rps, p50_ms, p99_ms, errors (non-2xx/3xx answers
plus socket errors), loader.
"""

import http.client
import json
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

WRK_SCRIPT = Path(__file__).with_name("wrk_report.lua")
WRK_CYCLE_SCRIPT = Path(__file__).with_name("soak.lua")
WRK_MISSING = (
    "wrk is not installed: install it with `sudo apt-get install wrk` (Debian/Ubuntu) or "
    "`brew install wrk` (macOS); falling back to the slower pure-Python load generator."
)


def wrk_path() -> str | None:
    return shutil.which("wrk")


def run_wrk(
    url: str,
    *,
    seconds: float,
    connections: int,
    headers: dict[str, str],
    paths: tuple[str, ...] = (),
) -> dict:
    """Load `url` (or, with `paths`, the paths in turn on url's host) with wrk."""
    command = [
        wrk_path() or "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(WRK_CYCLE_SCRIPT if paths else WRK_SCRIPT),
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(url)
    if paths:
        # thousands of paths go through a file (see soak.lua)
        listing = tempfile.NamedTemporaryFile("w", suffix=".paths", delete=False)  # noqa: SIM115
        with listing:
            listing.write("\n".join(paths) + "\n")
        command += ["--", f"@{listing.name}"]
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + 60, check=True
        )
    finally:
        if paths:
            Path(listing.name).unlink(missing_ok=True)
    line = next((li for li in completed.stdout.splitlines() if li.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no report for {url}:\n{completed.stdout}{completed.stderr}")
    report = json.loads(line.removeprefix("BENCH_JSON "))
    seconds_taken = report["duration_us"] / 1e6
    return {
        "requests": report["requests"],
        "seconds": round(seconds_taken, 3),
        "rps": round(report["requests"] / seconds_taken, 1) if seconds_taken else 0.0,
        "p50_ms": round(report["p50_us"] / 1000, 2),
        "p99_ms": round(report["p99_us"] / 1000, 2),
        "errors": report["status_errors"] + report["socket_errors"],
        "loader": "wrk",
    }


def _percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, round(fraction * (len(sorted_values) - 1)))
    return sorted_values[index]


def run_python(
    url: str,
    *,
    seconds: float,
    connections: int,
    headers: dict[str, str],
    max_requests: int | None = None,
    paths: tuple[str, ...] = (),
) -> dict:
    """Keep `connections` threads requesting `url` (or `paths` in turn, on url's host) for
    `seconds` (or `max_requests` in all)."""
    parts = urlsplit(url)
    targets = list(paths) or [parts.path + (f"?{parts.query}" if parts.query else "")]
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    issued = 0

    def worker():
        nonlocal errors, issued
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        while time.monotonic() < deadline:
            with lock:
                if max_requests is not None and issued >= max_requests:
                    break
                target = targets[issued % len(targets)]
                issued += 1
            start = time.perf_counter()
            try:
                connection.request("GET", target, headers=headers)
                response = connection.getresponse()
                response.read()
                failed = response.status >= 400
                if response.will_close:
                    connection.close()
            except (OSError, http.client.HTTPException):
                failed = True
                connection.close()
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                errors += failed
        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    taken = time.monotonic() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "seconds": round(taken, 3),
        "rps": round(len(latencies) / taken, 1) if taken else 0.0,
        "p50_ms": round(_percentile(latencies, 0.50) * 1000, 2),
        "p99_ms": round(_percentile(latencies, 0.99) * 1000, 2),
        "errors": errors,
        "loader": "python",
    }


def run_load(
    url: str, *, loader: str, seconds: float, connections: int, headers=None, paths=()
) -> dict:
    headers = headers or {}
    run = run_wrk if loader == "wrk" else run_python
    return run(url, seconds=seconds, connections=connections, headers=headers, paths=tuple(paths))
