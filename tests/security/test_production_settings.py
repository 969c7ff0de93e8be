"""Production settings: `check --deploy` is clean and real responses carry the security headers.

Running behind a load balancer or reverse proxy that terminates TLS (documented here because the
README belongs to the lead; the same text is in the security report):

* ``BEHIND_TLS_PROXY=true`` sets ``SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")``.
  Only set it when the proxy *always* overwrites ``X-Forwarded-Proto`` (never passes a client's
  value through), otherwise a client can claim HTTPS over plain HTTP.
* ``TRUSTED_PROXY_COUNT=<n>`` sets ``ALLAUTH_TRUSTED_PROXY_COUNT``: how many proxies append to
  ``X-Forwarded-For``. allauth keys its per-IP rate limits on the n-th address from the right;
  with the default 0 it uses ``REMOTE_ADDR`` (the proxy's address, so every client shares one
  bucket behind a proxy). A count larger than the real number of proxies lets clients forge
  their IP by sending their own ``X-Forwarded-For`` and escape the rate limits.
* ``CSRF_TRUSTED_ORIGINS=https://learn.example.com`` when the public origin differs from the
  Host header the app sees.
* Rate limits are counted in the database (a cache table), so every app server shares them.
"""

import json
import os
import subprocess
import sys

import pytest
from django.urls import reverse

from .helpers import BASE_DIR, apply_production_settings, production_settings

pytestmark = pytest.mark.django_db

PROD_ENV = {
    "DEBUG": "False",
    "SECRET_KEY": "k" * 20 + "-a-production-secret-that-is-long-enough-0123456789",
    "ALLOWED_HOSTS": "learn.example.com",
}


def _run(args, tmp_path, **extra):
    env = {**os.environ, **PROD_ENV, "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}"}
    for name in ("REDIS_URL", "BEHIND_TLS_PROXY", "TRUSTED_PROXY_COUNT"):
        env.pop(name, None)
    env.update(extra)
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize(
    "extra",
    [{}, {"BEHIND_TLS_PROXY": "true", "TRUSTED_PROXY_COUNT": "1"}],
    ids=["direct", "behind-proxy"],
)
def test_check_deploy_has_no_warnings(tmp_path, extra):
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path, **extra)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_a_development_secret_key(tmp_path):
    result = _run(["manage.py", "check"], tmp_path, SECRET_KEY="django-insecure-" + "x" * 60)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_missing_allowed_hosts(tmp_path):
    result = _run(["manage.py", "check"], tmp_path, ALLOWED_HOSTS="")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


_FRESH_PROCESS_REQUEST = """
import json, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="learn.example.com")
plain = client.get("/robots.txt")
secure = client.get("/robots.txt", secure=True)
print(json.dumps({
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location", ""),
    "status": secure.status_code,
    "headers": dict(secure.headers),
}))
"""


def test_a_real_response_in_a_production_process_has_every_security_header(tmp_path):
    """No settings copied: a fresh process with DEBUG off serves a page over (simulated) HTTPS."""
    result = _run(
        ["-c", _FRESH_PROCESS_REQUEST],
        tmp_path,
        DJANGO_SETTINGS_MODULE="learning_platform.settings",
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["plain_status"] == 301
    assert seen["plain_location"] == "https://learn.example.com/robots.txt"
    assert seen["status"] == 200
    headers = seen["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "script-src 'self'" in headers["Content-Security-Policy"]


def test_healthz_is_not_redirected_to_https_so_load_balancers_can_probe_it(tmp_path):
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "print(Client(HTTP_HOST='learn.example.com').get('/healthz').status_code)\n"
    )
    result = _run(["-c", script], tmp_path, DJANGO_SETTINGS_MODULE="learning_platform.settings")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] in {"200", "503"}


def _csp(response):
    """The Content-Security-Policy header as {directive: [sources]}."""
    policy = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        policy[name] = sources
    return policy


@pytest.fixture
def production(settings):
    apply_production_settings(settings)
    return settings


def test_home_page_over_https_has_security_headers(client, production):
    response = client.get(reverse("home"), secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in response["Strict-Transport-Security"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_plain_http_is_redirected_to_https(client, production):
    response = client.get(reverse("courses:list"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_csp_allows_only_our_scripts_and_allow_listed_video_frames(client, production):
    policy = _csp(client.get(reverse("home"), secure=True))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert sorted(policy["frame-src"]) == [
        "https://player.vimeo.com",
        "https://www.youtube-nocookie.com",
    ]
    everything = " ".join(" ".join(sources) for sources in policy.values())
    assert "'unsafe-inline'" not in everything
    assert "'unsafe-eval'" not in everything
    assert "*" not in everything.split()


def test_csp_is_on_error_pages_too(client, production):
    response = client.get("/no-such-page/", secure=True)
    assert response.status_code == 404
    assert _csp(response)["script-src"] == ["'self'"]


def test_session_cookie_is_secure_httponly_and_samesite(client, production, learner, password):
    response = client.post(
        reverse("account_login"), {"login": learner.email, "password": password}, secure=True
    )
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_csrf_cookie_is_secure_and_samesite(client, production):
    response = client.get(reverse("account_login"), secure=True)
    cookie = response.cookies["csrftoken"]
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"


def test_production_settings_values():
    values = production_settings()
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    # Without a declared proxy nothing trusts X-Forwarded-* headers.
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["ALLAUTH_TRUSTED_PROXY_COUNT"] == 0


def test_proxy_settings_come_from_the_environment():
    values = production_settings(BEHIND_TLS_PROXY="true", TRUSTED_PROXY_COUNT="2")
    assert values["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert values["ALLAUTH_TRUSTED_PROXY_COUNT"] == 2


def test_behind_a_proxy_forwarded_proto_counts_as_https(client, settings):
    apply_production_settings(settings, BEHIND_TLS_PROXY="true", TRUSTED_PROXY_COUNT="1")
    response = client.get(reverse("robots_txt"), headers={"x-forwarded-proto": "https"})
    assert response.status_code == 200
    assert "Strict-Transport-Security" in response


def test_without_a_declared_proxy_a_forged_forwarded_proto_is_ignored(client, production):
    response = client.get(reverse("robots_txt"), headers={"x-forwarded-proto": "https"})
    assert response.status_code == 301
