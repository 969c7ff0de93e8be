"""`{% load dates %}`: `{{ value|ago }}` says "just now" or "3 hours ago"."""

from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def ago(value):
    """How long ago `value` was, in words; "just now" under a minute (and for a future time)."""
    if not value:
        return ""
    if timezone.now() - value < timedelta(minutes=1):
        return _("just now")
    return _("%(time)s ago") % {"time": timesince(value, depth=1)}
