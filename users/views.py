import logging

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from . import emails
from .forms import EmailPreferencesForm, ProfileForm
from .models import User

logger = logging.getLogger(__name__)


@login_required
def profile(request):
    # Each change may decode an image: a few an hour per person (ACCOUNT_RATE_LIMITS).
    if request.method == "POST":
        refused = ratelimit.consume_or_429(request, action="change_profile")
        if refused:
            return refused
    # A copy, so a rejected form never shows its invalid values in the navbar.
    user = User.objects.get(pk=request.user.pk)
    form = ProfileForm(request.POST or None, request.FILES or None, instance=user)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                form.save()
        except OSError:  # disk full, storage unreachable: nothing was saved
            logger.exception("profile: could not store the upload")
            form.add_error(None, _("We could not store your picture just now. Please try again."))
        else:
            messages.success(request, _("Your profile was saved."))
            return redirect("users:profile")
    return render(
        request,
        "users/profile.html",
        {"form": form, "email_form": EmailPreferencesForm(instance=user)},
    )


@require_POST
@login_required
def email_preferences(request):
    form = EmailPreferencesForm(request.POST, instance=User.objects.get(pk=request.user.pk))
    if form.is_valid():
        with transaction.atomic():
            for kind, field in emails.PREFERENCE_FIELDS.items():
                emails.set_preference(request.user, kind, form.cleaned_data[field])
        messages.success(request, _("Your email settings were saved."))
    return redirect("users:profile")


# The one-click unsubscribe of mail clients (RFC 8058) POSTs without a CSRF token: the signed
# token in the URL is what proves the request may change this setting.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """GET: a page that asks; POST: stop this kind of email for the user the token names."""
    found = emails.read_unsubscribe_token(token)
    if found is None:
        raise Http404(_("This unsubscribe link is not valid."))
    user, kind = found
    label = emails.Kind(kind).label
    if request.method == "POST":
        emails.set_preference(user, kind, False)
        return render(request, "users/unsubscribed.html", {"kind_label": label, "done": True})
    return render(
        request, "users/unsubscribed.html", {"kind_label": label, "done": False, "token": token}
    )
