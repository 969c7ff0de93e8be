import logging
import smtplib
from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.stagekit import clear_login
from allauth.core import context, ratelimit
from allauth.core.exceptions import ImmediateHttpResponse
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.shortcuts import redirect
from django.utils.crypto import get_random_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# What a failing mail server raises: SMTP errors, refused connections, timeouts.
MAIL_ERRORS = (smtplib.SMTPException, OSError)


class AccountAdapter(DefaultAccountAdapter):
    def render_mail(self, template_prefix, email, context, headers=None):
        # Mails greet with the site's name; without django.contrib.sites allauth would use the
        # host name for it (the domain stays the host the request came to).
        site = context.get("current_site")
        if site is not None:
            context = {
                **context,
                "current_site": SimpleNamespace(name=settings.SITE_NAME, domain=site.domain),
            }
        return super().render_mail(template_prefix, email, context, headers)

    def is_safe_url(self, url):
        """Where `next` may lead: this site (allauth's check) and, over https, never to plain
        http (as Django's own login view: a same-site http:// next downgraded the connection)."""
        if not super().is_safe_url(url):
            return False
        request = context.request
        if request is None or not request.is_secure():
            return True
        host = urlsplit(url.strip()).netloc
        return url_has_allowed_host_and_scheme(url, allowed_hosts={host}, require_https=True)

    def _get_login_attempts_cache_key(self, request, **credentials):
        # The address alone: allauth adds the host (with its port), so varying the Host header
        # gave an attacker fresh attempts.
        return credentials.get("email", credentials.get("username", "")).strip().lower()

    def pre_authenticate(self, request, **credentials):
        """Too many failed logins for an address: a 429 page (allauth shows a form error)."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as error:
            if error.code != "too_many_login_attempts":
                raise
            raise ImmediateHttpResponse(ratelimit.respond_429(request)) from None

    def respond_email_verification_sent(self, request, user):
        if user is None:
            # A signup with an address that has an account (ACCOUNT_PREVENT_ENUMERATION): no
            # account is made, so hash a password as a new one would, or its speed tells.
            make_password(get_random_string(32))
        return super().respond_email_verification_sent(request, user)

    def populate_username(self, request, user):
        # allauth would make one from the email; User.save() derives it from the display name.
        pass

    def save_user(self, request, user, form, commit=True):
        try:
            return super().save_user(request, user, form, commit=commit)
        except IntegrityError:
            from users.models import User

            # A concurrent signup with the same address won the race: answer as allauth does for
            # a known address (no 500, no enumeration).
            if commit and User.objects.filter(email__iexact=user.email).exists():
                raise ImmediateHttpResponse(redirect("account_email_verification_sent")) from None
            raise

    def send_mail(self, template_prefix, email, context_data):
        """A mail server failure is a clear message on the same page, never a 500."""
        try:
            super().send_mail(template_prefix, email, context_data)
        except MAIL_ERRORS as exc:
            logger.error("mail %s could not be sent: %s", template_prefix, exc)
            request = context.request
            messages.error(
                request,
                _("We could not send the email just now. Please try again in a few minutes."),
            )
            raise ImmediateHttpResponse(redirect(request.get_full_path())) from exc

    def send_confirmation_mail(self, request, emailconfirmation, signup):
        try:
            super().send_confirmation_mail(request, emailconfirmation, signup)
        except ImmediateHttpResponse:
            address = emailconfirmation.email_address
            # The mail never left: its "one confirmation mail per 3 minutes" slot is given back.
            ratelimit.clear(request, action="confirm_email", key=address.email.lower())
            if signup:
                # No half-created account: the person can simply sign up again later.
                clear_login(request)
                address.user.delete()
            raise
