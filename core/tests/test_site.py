import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
BASE_DIR = Path(__file__).resolve().parents[2]


def test_healthz_reports_database_and_cache(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_healthz_is_200_and_degraded_when_the_cache_fails(client, monkeypatch):
    from core import views

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(views.caches["pages"], "set", broken)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "error"}


def test_robots_txt_points_to_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.text
    assert "Disallow: /admin/" in response.text


@pytest.mark.parametrize("name", ["robots_txt", "healthz", "sitemap", "home"])
def test_head_requests_are_answered(client, name):
    # Load balancers and crawlers ask with HEAD.
    assert client.head(reverse(name)).status_code == 200


def test_footer_offers_the_studio_to_instructors_and_staff_only(client, learner, instructor):
    studio = f'href="{reverse("admin:index")}">Instructor studio</a>'
    assert studio not in client.get(reverse("courses:list")).text
    client.force_login(learner)
    assert studio not in client.get(reverse("courses:list")).text
    client.force_login(instructor)
    assert studio in client.get(reverse("courses:list")).text


def test_the_footer_links_no_raw_xml(client):
    assert 'href="/sitemap.xml"' not in client.get(reverse("home")).text


def test_404_page_uses_site_layout(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert 'class="skip-link' in response.text


def test_home_page_renders(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert 'action="/courses/"' in response.text


def test_check_deploy_is_clean_with_production_environment(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "False",
        "SECRET_KEY": "x" * 20 + "-production-secret-that-is-long-enough-0123456789",
        "ALLOWED_HOSTS": "learn.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_a_missing_secret_key(tmp_path):
    env = {**os.environ, "DEBUG": "False", "SECRET_KEY": "", "ALLOWED_HOSTS": "learn.example.com"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_healthz_json_is_not_cached(client):
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    json.loads(response.content)


def test_overlapping_studio_parses_put_the_public_limits_back_after_the_last(settings):
    from core.middleware import StudioFormLimitsMiddleware

    public = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    studio = settings.STUDIO_UPLOAD_LIMITS["DATA_UPLOAD_MAX_NUMBER_FIELDS"]
    raised = StudioFormLimitsMiddleware._raised_limits
    with raised:
        with raised:  # a second thread's parse starts before the first ends
            assert studio == settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        assert studio == settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    assert public == settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
