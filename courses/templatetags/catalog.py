"""Template helpers for catalog pages: durations, rating stars, list fields."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def duration(minutes):
    """45 → "45 min", 135 → "2 h 15 min"."""
    try:
        minutes = int(minutes or 0)
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


STAR_ICONS = {"full": "bi-star-fill", "half": "bi-star-half", "empty": "bi-star"}


@register.simple_tag
def rating_stars(average, count=None):
    """An average rating as five stars (whole, half or empty), its figure and the count."""
    if not count:
        return mark_safe('<span class="text-body-secondary small">No ratings yet</span>')
    average = float(average or 0)
    stars = format_html_join(
        "",
        '<i class="bi {}"></i>',
        (
            (
                STAR_ICONS[
                    "full" if average >= n - 0.25 else "half" if average >= n - 0.75 else "empty"
                ],
            )
            for n in range(1, 6)
        ),
    )
    figure = Decimal(str(average)).quantize(Decimal("0.1"), ROUND_HALF_UP)  # as |floatformat:1
    return format_html(
        '<span class="rating d-inline-flex align-items-center gap-1" title="Rated {} out of 5">'
        '<span class="fw-semibold">{}</span>'
        '<span class="stars text-warning" aria-hidden="true">{}</span>'
        '<span class="visually-hidden">Rated {} out of 5</span>'
        '<span class="text-body-secondary">({})</span></span>',
        figure,
        figure,
        stars,
        figure,
        count,
    )


@register.filter
def eager(card_html):
    """A card whose cover loads at once and first (the page's first card: often its largest
    image), where every other card's waits until it nears the screen."""
    return mark_safe(card_html.replace('loading="lazy"', 'fetchpriority="high"', 1))  # noqa: S308 - a rendered card


@register.filter
def as_list(value):
    """A list field's items as non-empty strings (a string counts as one item per line)."""
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, list | tuple):
        return []
    return [str(item).strip() for item in value if str(item).strip()]
