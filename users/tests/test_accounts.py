import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from users.models import User

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def _signup(client, email="new.learner@example.com", name="New Learner"):
    return client.post(
        reverse("account_signup"),
        {
            "name": name,
            "email": email,
            "password1": "a-long-passphrase-42",
            "password2": "a-long-passphrase-42",
        },
    )


def test_signup_sends_verification_email_and_confirming_logs_in(client):
    response = _signup(client)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 1
    link = re.search(
        r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", mail.outbox[0].body
    ).group(1)

    confirm_page = client.get(link)
    assert confirm_page.status_code == 200
    confirmed = client.post(link)
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(email="new.learner@example.com").verified

    dashboard = client.get(reverse("learning:dashboard"))
    assert dashboard.status_code == 200
    assert "New Learner" in dashboard.text


def test_account_mails_carry_the_site_name_and_the_hosts_links(client):
    _signup(client)
    message = mail.outbox[0]
    assert message.subject.startswith("[Learnwell] ")
    assert "Hello from Learnwell!" in message.body
    assert "http://testserver/accounts/confirm-email/" in message.body
    assert "example.com" not in message.body


def test_login_message_names_the_learner_by_display_name(client, learner, password):
    response = client.post(
        reverse("account_login"), {"login": learner.email, "password": password}, follow=True
    )
    assert f"Successfully signed in as {learner.display_name}." in response.text


def test_unverified_account_cannot_log_in(client):
    _signup(client)
    client.logout()
    response = client.post(
        reverse("account_login"),
        {"login": "new.learner@example.com", "password": "a-long-passphrase-42"},
    )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_verified_user_logs_in_with_email_and_lands_on_dashboard(client, learner, password):
    response = client.post(reverse("account_login"), {"login": learner.email, "password": password})
    assert response.status_code == 302
    assert response.url == reverse("learning:dashboard")


def test_login_is_case_insensitive_on_email(client, learner, password):
    response = client.post(
        reverse("account_login"), {"login": learner.email.upper(), "password": password}
    )
    assert response.status_code == 302


def test_wrong_password_is_a_form_error(client, learner):
    response = client.post(
        reverse("account_login"), {"login": learner.email, "password": "nope-nope-nope"}
    )
    assert response.status_code == 200
    assert "not correct" in response.text
    assert "_auth_user_id" not in client.session


def test_duplicate_email_with_different_case_is_refused(client):
    UserFactory(email="taken@example.com")
    _signup(client, email="Taken@Example.com")
    assert User.objects.filter(email__iexact="taken@example.com").count() == 1


def test_database_refuses_duplicate_email_in_other_case():
    from django.db import IntegrityError

    UserFactory(email="same@example.com")
    user = User(email="x@example.com", username="other")
    user.save()
    with pytest.raises(IntegrityError):
        User.objects.filter(pk=user.pk).update(email="SAME@example.com")


def test_next_parameter_never_redirects_off_site(client, learner, password):
    response = client.post(
        reverse("account_login") + "?next=https://elsewhere.example/",
        {"login": learner.email, "password": password, "next": "https://elsewhere.example/"},
    )
    assert response.status_code == 302
    assert "elsewhere.example" not in response.url


def test_next_parameter_keeps_a_local_path(client, learner, password):
    response = client.post(
        reverse("account_login"),
        {"login": learner.email, "password": password, "next": "/profile/"},
    )
    assert response.url == "/profile/"


def test_logout_needs_post(learner_client):
    learner_client.get(reverse("account_logout"))
    assert "_auth_user_id" in learner_client.session
    learner_client.post(reverse("account_logout"))
    assert "_auth_user_id" not in learner_client.session


def test_password_reset_sends_mail_for_known_address(client, learner):
    response = client.post(reverse("account_reset_password"), {"email": learner.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_password_reset_page_does_not_reveal_unknown_addresses(client, learner):
    known = client.post(reverse("account_reset_password"), {"email": learner.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url


def test_signup_page_uses_site_layout(client):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    assert 'class="skip-link' in response.text
    assert "Display name" in response.text


def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_username_is_made_from_display_name():
    user = User.objects.create_user(
        email="ada@example.com", password="x-long-pass-1", name="Ada Lovelace"
    )
    twin = User.objects.create_user(
        email="ada2@example.com", password="x-long-pass-1", name="Ada Lovelace"
    )
    assert user.username == "ada-lovelace"
    assert twin.username.startswith("ada-lovelace-")


def test_account_pages_speak_the_sites_words(client):
    login = client.get(reverse("account_login")).text
    assert "<title>\n    Log in" in login or "Log in ·" in login
    assert "Sign In" not in login
    assert "Create a free account" in login
    signup = client.get(reverse("account_signup")).text
    assert "Sign Up" not in signup
    assert "Already have an account?" in signup


def test_the_page_after_a_new_password_offers_to_log_in(client):
    response = client.get(reverse("account_reset_password_from_key_done"))
    assert "Your password is now changed" in response.text
    assert f'href="{reverse("account_login")}"' in response.text


def test_the_check_your_email_page_says_where_to_write(client, settings):
    settings.SUPPORT_EMAIL = "help@learn.example.com"
    response = client.get(reverse("account_email_verification_sent"))
    assert 'href="mailto:help@learn.example.com"' in response.text


def test_account_mails_name_the_site_not_the_host(client):
    client.post(
        reverse("account_signup"),
        {"email": "named@example.com", "password1": "a-long-passphrase-42",
         "password2": "a-long-passphrase-42"},
    )  # fmt: skip
    body = mail.outbox[-1].body
    assert "Thank you for using Learnwell!" in body
    assert not re.search(r"^testserver$", body, re.MULTILINE)
