import logging

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .forms import ProfileForm
from .models import User

logger = logging.getLogger(__name__)


@login_required
def profile(request):
    # Each change may decode an image: a few an hour per person (ACCOUNT_RATE_LIMITS).
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
    return render(request, "users/profile.html", {"form": form})
