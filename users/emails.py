"""Emails to users: what they want, a signed unsubscribe link per kind, and the outbox.

Nothing here sends during a request. `queue()` writes an OutgoingEmail and one EmailDelivery per
recipient in the caller's transaction, so a row exists exactly when the event it tells of is
committed; a worker (`manage.py send_queued_emails`) then claims due deliveries, sends them
through Django's email backend and marks them. Each (recipient, key) is one row, so an event
reaches a recipient once however often it is queued.
"""

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import EmailDelivery, OutgoingEmail, User

logger = logging.getLogger(__name__)

Kind = OutgoingEmail.Kind
# The User field that says whether a kind is wanted (notices have none: always sent).
PREFERENCE_FIELDS = {
    Kind.ANSWERS: "email_answers",
    Kind.ANNOUNCEMENTS: "email_announcements",
    Kind.NEW_LESSONS: "email_new_lessons",
    Kind.CERTIFICATES: "email_certificates",
}
UNSUBSCRIBE_SALT = "users.emails.unsubscribe"
# A worker that claimed a delivery and died releases it after this long.
CLAIM_LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 5


# --- preferences and unsubscribe links ------------------------------------------------------------
def wants(user: User, kind: str) -> bool:
    field = PREFERENCE_FIELDS.get(kind)
    return user.is_active and bool(user.email) and (field is None or getattr(user, field))


def wanting(users, kind: str):
    """The users of a queryset who want emails of this kind."""
    field = PREFERENCE_FIELDS.get(kind)
    users = users.filter(is_active=True).exclude(email="")
    return users.filter(**{field: True}) if field else users


def unsubscribe_token(user: User, kind: str) -> str:
    """A token that names the user and the kind; it cannot be made without SECRET_KEY."""
    return signing.dumps({"u": user.pk, "k": str(kind)}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[User, str] | None:
    """(user, kind) for a valid token, else None (forged, altered, or for a removed user)."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user_pk, kind = int(data["u"]), str(data["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if kind not in PREFERENCE_FIELDS:
        return None
    user = User.objects.filter(pk=user_pk).first()
    return (user, kind) if user else None


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_url(user: User, kind: str) -> str:
    return absolute_url(reverse("users:unsubscribe", args=[unsubscribe_token(user, kind)]))


@transaction.atomic
def set_preference(user: User, kind: str, wanted: bool) -> None:
    """Turn one kind on or off; turning it off also drops what is queued of that kind."""
    field = PREFERENCE_FIELDS[kind]
    User.objects.filter(pk=user.pk).update(**{field: wanted})
    setattr(user, field, wanted)
    if not wanted:
        EmailDelivery.objects.filter(
            recipient=user, email__kind=kind, status=EmailDelivery.Status.QUEUED
        ).update(status=EmailDelivery.Status.SKIPPED)


# --- queueing -------------------------------------------------------------------------------------
def queue(
    *,
    kind: str,
    recipients: Iterable[User],
    key: str,
    template: str,
    context: dict,
    topic: str = "",
) -> int:
    """Queue an email for each recipient who wants this kind (call inside the writing
    transaction). `template` names `<template>_subject.txt`, `.txt` and `.html`. Returns how
    many deliveries were added (a recipient who already has `key` gets nothing new)."""
    recipients = [user for user in recipients if wants(user, kind)]
    if not recipients:
        return 0
    context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    email = OutgoingEmail.objects.create(
        kind=kind,
        subject=subject[:200],
        text_body=render_to_string(f"{template}.txt", context).strip() + "\n",
        html_body=render_to_string(f"{template}.html", context).strip(),
    )
    EmailDelivery.objects.bulk_create(
        [EmailDelivery(email=email, recipient=user, key=key, topic=topic) for user in recipients],
        ignore_conflicts=True,
    )
    added = EmailDelivery.objects.filter(email=email).count()
    if not added:
        email.delete()
    return added


def recently_sent(user: User, topic: str, within: timedelta) -> bool:
    """Whether the user was sent (or has queued) an email on this topic lately."""
    return EmailDelivery.objects.filter(
        recipient=user,
        topic=topic,
        created__gte=timezone.now() - within,
        status__in=[EmailDelivery.Status.QUEUED, EmailDelivery.Status.SENT],
    ).exists()


# --- delivering -----------------------------------------------------------------------------------
def _claim(batch: int, now) -> list[int]:
    """Lease up to `batch` due deliveries to this worker (SKIP LOCKED: workers never share)."""
    with transaction.atomic():
        ids = list(
            EmailDelivery.objects.due(now)
            .order_by("created", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:batch]
        )
        EmailDelivery.objects.filter(pk__in=ids).update(
            claimed_until=now + CLAIM_LEASE, attempts=F("attempts") + 1
        )
    return ids


def build_message(delivery: EmailDelivery) -> EmailMultiAlternatives:
    """The email as sent: the event's bodies, then how to stop this kind (one-click header)."""
    email, user = delivery.email, delivery.recipient
    context = {
        "user": user,
        "kind": email.get_kind_display(),
        "unsubscribe_url": unsubscribe_url(user, email.kind)
        if email.kind in PREFERENCE_FIELDS
        else "",
        "settings_url": absolute_url(reverse("users:profile")) + "#emails",
        "SITE_NAME": settings.SITE_NAME,
    }
    footer_text = render_to_string("users/emails/footer.txt", context)
    footer_html = render_to_string("users/emails/footer.html", context)
    headers = {}
    if context["unsubscribe_url"]:
        headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=f"[{settings.SITE_NAME}] {email.subject}",
        body=email.text_body + footer_text,
        to=[user.email],
        headers=headers,
    )
    if email.html_body:
        html = render_to_string(
            "users/emails/layout.html",
            {"body": email.html_body, "footer": footer_html, "subject": email.subject},
        )
        message.attach_alternative(html, "text/html")
    return message


def deliver_due(*, batch: int = 100) -> dict:
    """Send one batch of due deliveries; returns counts by outcome."""
    now = timezone.now()
    ids = _claim(batch, now)
    counts = {"sent": 0, "skipped": 0, "failed": 0, "retry": 0}
    if not ids:
        return counts
    deliveries = EmailDelivery.objects.filter(pk__in=ids).select_related("email", "recipient")
    with get_connection(fail_silently=False) as connection:
        for delivery in deliveries.order_by("created", "pk"):
            outcome, error = _deliver(delivery, connection)
            counts[outcome] += 1
            status = {"retry": EmailDelivery.Status.QUEUED}.get(outcome, outcome)
            EmailDelivery.objects.filter(pk=delivery.pk).update(
                status=status,
                sent_at=timezone.now() if outcome == "sent" else None,
                claimed_until=None if outcome != "retry" else now + CLAIM_LEASE,
                last_error=error,
            )
    return counts


def _deliver(delivery: EmailDelivery, connection) -> tuple[str, str]:
    if not wants(delivery.recipient, delivery.email.kind):
        return "skipped", ""
    try:
        message = build_message(delivery)
        message.connection = connection
        message.send()
    except Exception as error:  # an SMTP error must not stop the batch
        logger.warning("email delivery %s failed", delivery.pk, exc_info=True)
        outcome = "failed" if delivery.attempts >= MAX_ATTEMPTS else "retry"
        return outcome, f"{type(error).__name__}: {error}"[:1000]
    return "sent", ""


def prune(*, older_than: timedelta = timedelta(days=30)) -> int:
    """Forget deliveries that were settled long ago, and emails left with none."""
    cutoff = timezone.now() - older_than
    deleted, _ = (
        EmailDelivery.objects.filter(created__lt=cutoff)
        .exclude(status=EmailDelivery.Status.QUEUED)
        .delete()
    )
    OutgoingEmail.objects.filter(created__lt=cutoff, deliveries__isnull=True).delete()
    return deleted
