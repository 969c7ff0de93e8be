"""`{% load site_urls %}`: `{% site_url 'courses:list' %}` is `{% url 'courses:list' %}` for the
pages every page links to (navigation, footer), reversed once per process instead of on each
of the ~10 links of every page."""

import functools

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag
def site_url(name: str) -> str:
    return _reverse(name, get_urlconf(), get_script_prefix(), get_language())


@functools.lru_cache(maxsize=128)
def _reverse(name: str, urlconf, _prefix: str, _language: str) -> str:
    # the prefix and language are part of the key: reverse() reads them from the request
    return reverse(name, urlconf)
