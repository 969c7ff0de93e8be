"""Accounts: rate limits (shared by every worker through the database), no enumeration, verified
email before login, single-use reset links and no open redirects through `next`."""

import re
import statistics
import subprocess
import sys
import time

import pytest
from allauth.account.models import EmailAddress
from django.conf import global_settings
from django.core import mail
from django.urls import reverse

from core.models import CacheEntry
from users.models import User
from users.tests.factories import InstructorFactory, UserFactory

from .helpers import BASE_DIR

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase-77"


def _signup_data(email, name="New Person"):
    return {"name": name, "email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}


# --- Rate limits -----------------------------------------------------------------------


def test_failed_logins_are_rate_limited_per_ip(client, learner):
    statuses = [
        client.post(
            reverse("account_login"), {"login": f"nobody{i}@example.com", "password": "x"}
        ).status_code
        for i in range(11)
    ]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429


def test_failed_logins_lock_the_account_key_even_with_the_right_password(client, learner, password):
    for _ in range(5):
        response = client.post(
            reverse("account_login"), {"login": learner.email, "password": "wrong-guess"}
        )
        assert response.status_code == 200
    response = client.post(reverse("account_login"), {"login": learner.email, "password": password})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 429
    assert "Too many attempts" in response.text


def test_another_host_or_port_gives_no_fresh_attempts(client, learner, settings):
    settings.ALLOWED_HOSTS = ["testserver", "testserver:8000", "testserver:9000"]
    for host in ["testserver", "testserver:8000", "testserver:9000"] * 2:
        client.post(
            reverse("account_login"),
            {"login": learner.email.upper(), "password": "wrong-guess"},
            headers={"host": host},
            REMOTE_ADDR=f"10.0.0.{len(host)}",
        )
    response = client.post(
        reverse("account_login"), {"login": learner.email, "password": "wrong-guess"}
    )
    assert response.status_code == 429


def test_signup_is_rate_limited_per_ip(client):
    for i in range(20):
        response = client.post(reverse("account_signup"), _signup_data(f"new{i}@example.com"))
        assert response.status_code == 302
    response = client.post(reverse("account_signup"), _signup_data("one-too-many@example.com"))
    assert response.status_code == 429
    assert not User.objects.filter(email="one-too-many@example.com").exists()


def test_password_reset_is_rate_limited_per_email(client, learner):
    for _ in range(5):
        response = client.post(reverse("account_reset_password"), {"email": learner.email})
        assert response.status_code == 302
    response = client.post(reverse("account_reset_password"), {"email": learner.email})
    assert response.status_code == 429
    assert len(mail.outbox) == 5


def test_rate_limit_counters_live_in_the_shared_database_cache(client):
    client.post(reverse("account_signup"), _signup_data("counted@example.com"))
    assert CacheEntry.objects.filter(cache_key__contains="allauth:rl").exists()


_FAIL_LOGINS = """
import sys
import django
django.setup()
from django.test import Client
client = Client(REMOTE_ADDR=sys.argv[1])
for _ in range(int(sys.argv[2])):
    response = client.post("/accounts/login/", {"login": "shared@example.com", "password": "x"})
print(response.status_code)
"""


def test_two_worker_processes_share_the_failed_login_limit(tmp_path):
    """The default one-machine setup (SQLite, no Redis): gunicorn's workers are processes, and
    the limit (5 failures an address) holds across them."""
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "learning_platform.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }

    def run(*args):
        result = subprocess.run(
            [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""

    run("manage.py", "migrate", "--noinput", "-v0")
    assert run("-c", _FAIL_LOGINS, "10.0.0.1", "3") == "200"  # worker one: 3 failures
    assert run("-c", _FAIL_LOGINS, "10.0.0.2", "3") == "429"  # worker two: the 6th is refused


# --- No enumeration ---------------------------------------------------------------------------


def test_signup_with_a_taken_email_looks_like_a_new_signup(client, learner):
    known = client.post(reverse("account_signup"), _signup_data(learner.email))
    client.logout()
    unknown = client.post(reverse("account_signup"), _signup_data("fresh@example.com"))
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == reverse("account_email_verification_sent")
    assert User.objects.filter(email=learner.email).count() == 1
    # The owner of the address is told by email, not the person at the keyboard.
    assert [m.to for m in mail.outbox] == [[learner.email], ["fresh@example.com"]]


def test_signup_takes_as_long_for_a_registered_address_as_for_a_new_one(client, learner, settings):
    """The answers are alike (above); their time must not tell either. A new account costs a
    password hash, so must the answer for a known address: medians of 10 tries each, a tolerance
    on their ratio (the one timed test of the suite)."""
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS  # the real PBKDF2, not MD5
    settings.ACCOUNT_RATE_LIMITS = False  # 22 signups from one address in a few seconds
    timings = {"known": [], "new": []}
    for attempt in range(11):
        for kind, email in (("known", learner.email), ("new", f"new{attempt}@example.com")):
            client.logout()
            started = time.perf_counter()
            response = client.post(reverse("account_signup"), _signup_data(email))
            elapsed = time.perf_counter() - started
            assert response.status_code == 302
            if attempt:  # the first round warms up
                timings[kind].append(elapsed)
    ratio = statistics.median(timings["known"]) / statistics.median(timings["new"])
    assert 0.5 < ratio < 2, timings  # within a factor of two on a busy machine; a leak is ×25


def test_login_errors_are_the_same_for_known_and_unknown_emails(client, learner):
    known = client.post(reverse("account_login"), {"login": learner.email, "password": "wrong-1"})
    unknown = client.post(
        reverse("account_login"), {"login": "ghost@example.com", "password": "wrong-1"}
    )
    assert known.status_code == unknown.status_code == 200
    assert known.context["form"].errors == unknown.context["form"].errors


def test_password_reset_answers_the_same_for_known_and_unknown_emails(client, learner):
    known = client.post(reverse("account_reset_password"), {"email": learner.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "ghost@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url


# --- Verification, reset tokens ----------------------------------------------------------------


def test_unverified_user_cannot_log_in(client, password):
    user = UserFactory(verified=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("learning:dashboard")).status_code == 302


def test_unverified_staff_cannot_reach_admin(client, password):
    staff = InstructorFactory(verified=False)
    EmailAddress.objects.create(user=staff, email=staff.email, verified=False, primary=True)
    client.post(reverse("account_login"), {"login": staff.email, "password": password})
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def _reset_link(email):
    body = mail.outbox[-1].body
    assert email in mail.outbox[-1].to
    return re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", body).group(1)


def _use_reset_link(client, link, new_password):
    page = client.get(link, follow=True)
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    return client.post(form_url, {"password1": new_password, "password2": new_password})


def test_reset_link_works_once(client, learner, password):
    client.post(reverse("account_reset_password"), {"email": learner.email})
    link = _reset_link(learner.email)
    done = _use_reset_link(client, link, NEW_PASSWORD)
    assert done.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password(NEW_PASSWORD)

    client.logout()
    again = client.get(link, follow=True)
    assert again.context["token_fail"] is True
    assert 'name="password1"' not in again.text
    replay = _use_reset_link(client, link, "an-attackers-password-99")
    learner.refresh_from_db()
    assert learner.check_password(NEW_PASSWORD)
    assert replay.status_code in {200, 302}


def test_reset_link_dies_when_the_password_changes_another_way(client, learner):
    client.post(reverse("account_reset_password"), {"email": learner.email})
    link = _reset_link(learner.email)
    learner.set_password("changed-elsewhere-123")
    learner.save()
    page = client.get(link, follow=True)
    assert page.context["token_fail"] is True


def test_tampered_reset_key_is_refused(client, learner):
    client.post(reverse("account_reset_password"), {"email": learner.email})
    link = _reset_link(learner.email)
    tampered = link[:-3] + ("a" if link[-3] != "a" else "b") + link[-2:]
    page = client.get(tampered, follow=True)
    assert page.context["token_fail"] is True


# --- Open redirects -----------------------------------------------------------------------------

HOSTILE_NEXT = [
    "https://evil.example/",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "https:evil.example",
    "https:/evil.example",
    " https://evil.example/",
    "\thttps://evil.example/",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "http://testserver@evil.example/",
    "https://evil.example%2F@testserver/",
]


def _is_local(location):
    return location.startswith("/") and not location.startswith(("//", "/\\"))


@pytest.mark.parametrize("next_url", HOSTILE_NEXT)
def test_login_refuses_off_site_next(client, learner, password, next_url):
    response = client.post(
        reverse("account_login"),
        {"login": learner.email, "password": password, "next": next_url},
    )
    assert response.status_code == 302
    assert _is_local(response.url), response.url
    assert "evil" not in response.url


@pytest.mark.parametrize("next_url", HOSTILE_NEXT)
def test_logout_refuses_off_site_next(learner_client, next_url):
    response = learner_client.post(reverse("account_logout"), {"next": next_url})
    assert response.status_code == 302
    assert _is_local(response.url), response.url


def test_login_over_https_never_sends_on_to_plain_http(client, learner, password):
    response = client.post(
        reverse("account_login"),
        {"login": learner.email, "password": password, "next": "http://testserver/dashboard/"},
        secure=True,
    )
    assert response.status_code == 302
    assert not response.url.startswith("http:"), response.url


def test_logout_over_https_never_sends_on_to_plain_http(learner_client):
    response = learner_client.post(
        reverse("account_logout"), {"next": "http://testserver/courses/"}, secure=True
    )
    assert response.status_code == 302
    assert not response.url.startswith("http:"), response.url


def test_login_over_https_keeps_a_same_site_https_next(client, learner, password):
    response = client.post(
        reverse("account_login"),
        {"login": learner.email, "password": password, "next": "https://testserver/courses/"},
        secure=True,
    )
    assert response.url == "https://testserver/courses/"


@pytest.mark.parametrize("next_url", HOSTILE_NEXT)
def test_signup_refuses_off_site_next(client, next_url):
    response = client.post(
        reverse("account_signup") + "?next=" + next_url, _signup_data("nexter@example.com")
    )
    assert response.status_code == 302
    assert _is_local(response.url)


@pytest.mark.parametrize("next_url", HOSTILE_NEXT[:4])
def test_admin_login_refuses_off_site_next(client, password, next_url):
    staff = InstructorFactory()
    to_login = client.get(reverse("admin:login"), {"next": next_url})
    assert to_login.status_code == 302
    assert to_login.url.startswith(reverse("account_login"))
    response = client.post(
        to_login.url, {"login": staff.email, "password": password, "next": next_url}
    )
    assert response.status_code == 302
    assert _is_local(response.url), response.url


@pytest.mark.parametrize("next_url", HOSTILE_NEXT[:4])
def test_admin_login_when_logged_in_refuses_off_site_next(client, next_url):
    client.force_login(InstructorFactory())
    response = client.get(reverse("admin:login"), {"next": next_url})
    assert response.status_code == 302
    assert _is_local(response.url), response.url


def test_admin_login_is_forbidden_for_a_logged_in_learner(learner_client):
    assert learner_client.get(reverse("admin:login")).status_code == 403
