"""Email preferences, signed unsubscribe links and the outbox (users.emails)."""

import pytest
from django.core import mail, signing
from django.urls import reverse

from users import emails
from users.models import EmailDelivery, User
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Kind = emails.Kind


def queue_one(user, kind=Kind.ANNOUNCEMENTS, key="event:1"):
    return emails.queue(
        kind=kind,
        recipients=[user],
        key=key,
        template="users/tests/email",
        context={"name": user.display_name},
    )


@pytest.fixture(autouse=True)
def test_templates(settings, tmp_path):
    folder = tmp_path / "templates" / "users" / "tests"
    folder.mkdir(parents=True)
    (folder / "email_subject.txt").write_text("Hello {{ name }}")
    (folder / "email.txt").write_text("Plain body for {{ name }}")
    (folder / "email.html").write_text("<p>HTML body for {{ name }}</p>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path / "templates"]}
    ]


def unsubscribe_url(user, kind):
    return reverse("users:unsubscribe", args=[emails.unsubscribe_token(user, kind)])


# --- unsubscribe links ------------------------------------------------------------------------
def test_get_asks_and_changes_nothing(client, learner):
    response = client.get(unsubscribe_url(learner, Kind.ANSWERS))
    assert response.status_code == 200
    assert "answers to my questions" in response.text
    learner.refresh_from_db()
    assert learner.email_answers
    assert learner.email not in response.text  # a forwarded email reveals nobody


def test_post_unsubscribes_from_that_kind_only(client, learner):
    response = client.post(unsubscribe_url(learner, Kind.ANSWERS))
    assert response.status_code == 200
    assert "You are unsubscribed" in response.text
    learner.refresh_from_db()
    assert not learner.email_answers
    assert learner.email_announcements and learner.email_new_lessons


def test_one_click_post_works_without_a_csrf_token(learner):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(
        unsubscribe_url(learner, Kind.NEW_LESSONS), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    learner.refresh_from_db()
    assert not learner.email_new_lessons


def test_a_forged_token_is_refused(client, learner):
    forged = signing.dumps({"u": learner.pk, "k": "answers"}, salt="another.salt", compress=True)
    # The learner's payload under a signature made for someone else's.
    someone_elses = emails.unsubscribe_token(UserFactory(), Kind.ANSWERS)
    payload = signing.dumps(
        {"u": learner.pk, "k": "answers"}, salt=emails.UNSUBSCRIBE_SALT, compress=True
    ).rsplit(":", 1)[0]
    tampered = payload + ":" + someone_elses.rsplit(":", 1)[1]
    for token in [forged, tampered, "not-a-token", f"{learner.pk}:answers"]:
        response = client.post(reverse("users:unsubscribe", args=[token]))
        assert response.status_code == 404, token
    learner.refresh_from_db()
    assert learner.email_answers


def test_a_token_for_one_user_never_changes_another(client, learner):
    other = UserFactory()
    client.post(unsubscribe_url(other, Kind.ANSWERS))
    learner.refresh_from_db()
    assert learner.email_answers


def test_notices_have_no_unsubscribe(client, learner):
    token = signing.dumps({"u": learner.pk, "k": "notices"}, salt=emails.UNSUBSCRIBE_SALT)
    assert client.get(reverse("users:unsubscribe", args=[token])).status_code == 404


def test_unsubscribing_drops_what_is_queued(client, learner):
    queue_one(learner, Kind.ANNOUNCEMENTS)
    client.post(unsubscribe_url(learner, Kind.ANNOUNCEMENTS))
    assert emails.deliver_due()["sent"] == 0
    assert mail.outbox == []


# --- profile switches -------------------------------------------------------------------------
def test_profile_shows_the_switches(learner_client):
    response = learner_client.get(reverse("users:profile"))
    assert "Emails we send you" in response.text
    assert 'name="email_new_lessons"' in response.text


def test_profile_switches_save(learner_client, learner):
    response = learner_client.post(
        reverse("users:email_preferences"), {"email_answers": "on", "email_certificates": "on"}
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.email_answers and learner.email_certificates
    assert not learner.email_announcements and not learner.email_new_lessons


def test_profile_switches_need_login_and_post(client, learner_client):
    assert client.post(reverse("users:email_preferences")).status_code == 302
    assert learner_client.get(reverse("users:email_preferences")).status_code == 405


# --- the outbox -------------------------------------------------------------------------------
def test_queued_email_is_sent_once_with_its_footer(learner):
    assert queue_one(learner) == 1
    assert emails.deliver_due()["sent"] == 1
    assert emails.deliver_due()["sent"] == 0
    (message,) = mail.outbox
    assert message.subject.endswith("Hello Lena Learner")
    assert "Plain body for Lena Learner" in message.body
    assert "/unsubscribe/" in message.body
    assert "HTML body" in message.alternatives[0][0]
    assert EmailDelivery.objects.get().status == EmailDelivery.Status.SENT


def test_the_same_event_is_queued_once_per_recipient(learner):
    assert queue_one(learner, key="event:7") == 1
    assert queue_one(learner, key="event:7") == 0
    emails.deliver_due()
    assert len(mail.outbox) == 1


def test_inactive_users_get_nothing(learner):
    User.objects.filter(pk=learner.pk).update(is_active=False)
    learner.refresh_from_db()
    assert queue_one(learner) == 0


def test_a_claimed_email_is_not_sent_by_a_second_worker(learner):
    from django.utils import timezone

    queue_one(learner)
    assert emails._claim(10, timezone.now())
    assert emails.deliver_due()["sent"] == 0


def test_operators_see_the_outbox_in_the_admin(client, learner):
    queue_one(learner)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(reverse("admin:users_emaildelivery_changelist"))
    assert response.status_code == 200 and "event:1" in response.text
