"""Template helpers for catalog pages: durations, rating stars, list fields."""

from django import template

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


@register.inclusion_tag("courses/includes/rating_stars.html")
def rating_stars(average, count=None):
    average = float(average or 0)
    stars = []
    for position in range(1, 6):
        if average >= position - 0.25:
            stars.append("full")
        elif average >= position - 0.75:
            stars.append("half")
        else:
            stars.append("empty")
    return {"average": average, "count": count, "stars": stars}


@register.filter
def as_list(value):
    """A list field's items as non-empty strings (a string counts as one item per line)."""
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, list | tuple):
        return []
    return [str(item).strip() for item in value if str(item).strip()]
