"""Template helpers for catalog pages: Markdown, durations, rating stars."""

import markdown as markdown_lib
import nh3
from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from courses.cards import Card, fill_hearts

register = template.Library()

MARKDOWN_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "img",
}  # fmt: skip
MARKDOWN_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
}


@register.filter
def markdown(text):
    """Render Markdown, then sanitise the HTML (no scripts, event handlers or javascript: URLs)."""
    html = markdown_lib.markdown(text or "", extensions=["fenced_code", "tables", "sane_lists"])
    clean = nh3.clean(
        html,
        tags=MARKDOWN_TAGS,
        attributes=MARKDOWN_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


@register.simple_tag(takes_context=True)
def course_card(context, course):
    """A course card: a cached `Card` with this visitor's wishlist heart filled in (left as a
    hole while a shared fragment is rendered: `keep_holes`), or a Course rendered now."""
    if isinstance(course, Card):
        if context.get("keep_holes"):
            return mark_safe(course.html)  # noqa: S308 - a rendered template
        return fill_hearts(course.html, [course], context)
    card = get_template("courses/includes/course_card.html").template
    with context.push(course=course, wishlist_hole=None):
        return card.render(context)


@register.simple_tag(name="fill_hearts", takes_context=True)
def fill_hearts_tag(context, html, cards):
    """A shared fragment with this visitor's wishlist hearts in the holes of its cards."""
    return fill_hearts(html, cards, context)


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
