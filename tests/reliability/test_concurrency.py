"""Concurrency: parallel requests by real threads leave exactly the rows and counters a serial
run would, and never fail with a 500 ("database is locked", IntegrityError).

PostgreSQL: the scenarios run in this process against the test database (transaction=True, so
every thread sees committed rows through its own connection).

SQLite: pytest-django's SQLite test database lives in memory (shared cache), where concurrent
writers fail at once with "database table is locked" instead of waiting, which is not how the
site runs. So the same scenarios run in a subprocess against a fresh *file* database configured
exactly like production (WAL, busy timeout, transaction_mode=IMMEDIATE from settings.py).
"""

import json
import os
import subprocess
import sys
from decimal import Decimal

import pytest
from django.db import connection

from tests.security.helpers import BASE_DIR

from . import scenarios

pytestmark = pytest.mark.django_db(transaction=True)

OK_STATUSES = {200, 302}


def _on_sqlite():
    return connection.vendor == "sqlite"


_SUBPROCESS = """
import json
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from tests.reliability.scenarios import SCENARIOS
results = {}
for name, scenario in SCENARIOS.items():
    try:
        results[name] = scenario()
    except Exception as exc:
        results[name] = {"crash": f"{type(exc).__name__}: {exc}"}
print("RESULTS " + json.dumps(results, default=str))
"""


@pytest.fixture(scope="module")
def sqlite_file_results(tmp_path_factory):
    """Every scenario, run once against a file-based SQLite database in a fresh process."""
    database = tmp_path_factory.mktemp("sqlite-race") / "race.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "learning_platform.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "EMAIL_URL": "dummymail://",
        "MEDIA_ROOT": str(database.parent / "media"),
        "PRIVATE_MEDIA_ROOT": str(database.parent / "private"),
        "LOG_LEVEL": "ERROR",
        "CACHE_PAGE_SECONDS": "0",
    }
    for name in ("REDIS_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-c", _SUBPROCESS],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULTS ")]
    assert result.returncode == 0 and lines, result.stderr[-5000:]
    return json.loads(lines[-1].removeprefix("RESULTS "))


@pytest.fixture
def outcome(request):
    """outcome(name) → the scenario's result on the database this run is about: in this process
    on PostgreSQL, in a subprocess against a file database on SQLite."""
    if _on_sqlite():
        results = request.getfixturevalue("sqlite_file_results")
        return lambda name: results[name]
    return lambda name: scenarios.SCENARIOS[name]()


def _check(result):
    assert "crash" not in result, result
    assert result["errors"] == [], result["errors"]
    return result


def test_same_learner_enrolling_in_parallel_is_enrolled_once(outcome):
    result = _check(outcome("same_learner_enrols_in_parallel"))
    assert result["created"] == 1
    assert result["rows"] == 1
    assert result["counter"] == 1


def test_many_learners_enrolling_at_once_are_all_counted(outcome):
    result = _check(outcome("many_learners_enrol_through_the_site"))
    assert set(result["statuses"]) <= OK_STATUSES
    assert result["rows"] == scenarios.THREADS
    assert result["counter"] == scenarios.THREADS


def test_a_double_posted_enrol_button_enrols_once(outcome):
    result = _check(outcome("same_learner_double_posts_enrol"))
    assert set(result["statuses"]) <= OK_STATUSES
    assert result["rows"] == 1
    assert result["counter"] == 1


def test_completing_every_lesson_at_once_gives_one_certificate(outcome):
    result = _check(outcome("learner_completes_every_lesson_at_once"))
    assert result["progress_rows"] == result["lessons"]
    assert result["certificates"] == 1
    assert result["issued_flags"] == 1
    assert result["completed"] is True


def test_completing_one_lesson_many_times_keeps_one_row(outcome):
    result = _check(outcome("learner_completes_one_lesson_many_times"))
    assert set(result["statuses"]) <= OK_STATUSES
    assert result["progress_rows"] == 1


def test_parallel_reviews_by_one_learner_leave_one_review(outcome):
    result = _check(outcome("same_learner_reviews_in_parallel"))
    assert result["rows"] == 1
    assert result["rating_count"] == 1
    assert Decimal(result["rating_average"]) == Decimal(result["row_rating"])


def test_parallel_reviews_by_many_learners_give_the_right_average(outcome):
    result = _check(outcome("many_learners_review_in_parallel"))
    assert result["rows"] == scenarios.THREADS
    assert result["rating_count"] == scenarios.THREADS
    assert Decimal(result["rating_average"]) == Decimal(result["expected_average"])


def test_parallel_wishlist_toggles_end_in_a_consistent_state(outcome):
    result = _check(outcome("learner_toggles_wishlist_in_parallel"))
    assert result["rows"] in {0, 1}
    # Each toggle saw the state the previous one left: the answers add up to what is stored.
    assert result["added"] - result["removed"] == result["rows"]


def test_parallel_signups_with_one_email_create_one_account(outcome):
    result = _check(outcome("same_email_signs_up_in_parallel"))
    assert result["accounts"] == 1
    assert set(result["statuses"]) <= OK_STATUSES, result["statuses"]


def test_parallel_signups_of_namesakes_all_succeed(outcome):
    result = _check(outcome("namesakes_sign_up_in_parallel"))
    assert set(result["statuses"]) <= OK_STATUSES, result["statuses"]
    assert result["accounts"] == scenarios.THREADS
    assert result["usernames"] == scenarios.THREADS


def test_parallel_writers_never_get_a_500(outcome):
    result = _check(outcome("parallel_writers_through_the_site"))
    assert set(result["statuses"]) <= OK_STATUSES, result["statuses"]
    assert result["enrollments"] == scenarios.THREADS
    assert result["certificates"] == scenarios.THREADS
    assert result["wishlist"] == scenarios.THREADS
    assert result["reviews"] == scenarios.THREADS
