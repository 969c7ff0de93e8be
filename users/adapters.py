from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from django.db import IntegrityError
from django.shortcuts import redirect


class AccountAdapter(DefaultAccountAdapter):
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
