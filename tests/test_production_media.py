"""One machine in production: gunicorn serves the uploaded public media itself (covers, their
renditions, avatars), with DEBUG off, as the README's command runs it."""

import io
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from PIL import Image

BASE_DIR = Path(__file__).resolve().parents[1]


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _webp(path, size):
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(buffer, format="WEBP")
    path.write_bytes(buffer.getvalue())


def _get(url):
    # As behind the TLS proxy of the README's production setup (BEHIND_TLS_PROXY).
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), b""


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("production")
    media = tmp_path / "media"
    _webp(media / "covers" / "course-1a2b3c4d.webp", (1280, 720))
    _webp(media / "avatars" / "lena-5e6f7a8b.webp", (512, 512))
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "learning_platform.settings",
        "DEBUG": "False",
        "SECRET_KEY": "m" * 20 + "-a-production-secret-that-is-long-enough-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1",
        "BEHIND_TLS_PROXY": "True",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "MEDIA_ROOT": str(media),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
        "STATIC_MANIFEST": "False",  # no collectstatic in tests (error pages load static files)
    }
    for name in ("REDIS_URL", "AWS_STORAGE_BUCKET_NAME", "MEDIA_URL"):
        env.pop(name, None)
    log = tmp_path / "gunicorn.log"  # a file: a full pipe would block the server
    log_file = log.open("w")
    command = ["gunicorn", "learning_platform.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}"]
    server = subprocess.Popen(
        [sys.executable, "-m", *command],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log_file,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=5).close()
                break
            except OSError:  # not listening yet, or still starting its workers
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()
                    pytest.fail(log.read_text())
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)
        log_file.close()


@pytest.mark.parametrize(
    "path",
    [
        "/media/covers/course-1a2b3c4d.webp",
        "/media/covers/course-1a2b3c4d.w480.webp",  # a rendition, made on its first request
        "/media/avatars/lena-5e6f7a8b.webp",
    ],
    ids=["cover", "rendition", "avatar"],
)
def test_gunicorn_with_debug_off_serves_uploaded_images(production_server, path):
    status, headers, body = _get(production_server + path)
    assert status == 200
    assert headers["Content-Type"] == "image/webp"
    assert "immutable" in headers["Cache-Control"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(body)) as image:
        assert image.format == "WEBP"


def test_gunicorn_with_debug_off_serves_nothing_outside_the_media_folder(production_server):
    for path in ("/media/../manage.py", "/media/%2e%2e/manage.py", "/media/covers/missing.webp"):
        assert _get(production_server + path)[0] == 404
