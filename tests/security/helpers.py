"""Helpers shared by the security and reliability suites."""

import functools
import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]

# Every setting that decides how the site defends itself in production.
SECURITY_SETTINGS = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_SAMESITE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "CONTENT_SECURITY_POLICY",
    "SECURE_PROXY_SSL_HEADER",
    "ALLAUTH_TRUSTED_PROXY_COUNT",
]

_DUMP = (
    "import json, django\n"
    "django.setup()\n"
    "from django.conf import settings\n"
    "names = json.loads(input())\n"
    "print(json.dumps({n: getattr(settings, n, None) for n in names}, default=list))\n"
)


@functools.cache
def production_settings(**extra_env):
    """The security settings the real settings module produces with DEBUG off (fresh process)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "learning_platform.settings",
        "DEBUG": "False",
        "SECRET_KEY": "s" * 30 + "-a-production-secret-long-enough-for-checks-42",
        "ALLOWED_HOSTS": "learn.example.com",
        **extra_env,
    }
    for name in ("REDIS_URL", "BEHIND_TLS_PROXY", "TRUSTED_PROXY_COUNT"):
        if name not in extra_env:
            env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-c", _DUMP],
        input=json.dumps(SECURITY_SETTINGS),
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    values = json.loads(result.stdout.strip().splitlines()[-1])
    if values["SECURE_PROXY_SSL_HEADER"] is not None:
        values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


def apply_production_settings(settings, **extra_env):
    """Copy the production security settings onto pytest-django's `settings` fixture."""
    for name, value in production_settings(**extra_env).items():
        setattr(settings, name, value)
    settings.ALLOWED_HOSTS = ["learn.example.com", "testserver"]
