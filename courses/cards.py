"""Course cards rendered once and shared by every visitor, with a hole for the one part that
depends on who looks: the wishlist heart (learning's `wishlist_toggle`, filled in per request).

Catalog pages keep lists of `Card` (and whole stretches of HTML made of them) in the cache
(learning_platform.cache.catalog_cached), so a page of cards costs neither SQL nor template
rendering until the catalog changes; `fill_hearts` then puts this visitor's hearts in the holes.
"""

import re
from dataclasses import dataclass

from django.template.loader import get_template
from django.urls import reverse
from django.utils.safestring import mark_safe

HOLE = re.compile(r"<!--wishlist-toggle:(\d+)-->")


def hole(pk: int) -> str:
    return mark_safe(f"<!--wishlist-toggle:{int(pk)}-->")  # noqa: S308 - an integer in a comment


@dataclass(frozen=True)
class Card:
    """A rendered course card (its heart a hole); pk, slug and title are what a signed-in
    visitor's heart needs. A visitor who is not signed in gets `anonymous_heart`, rendered with
    the card (a link to log in that comes back to the course page)."""

    pk: int
    slug: str
    title: str
    html: str
    anonymous_heart: str

    def get_absolute_url(self):
        return reverse("courses:detail", kwargs={"slug": self.slug})


def render_cards(courses) -> list[Card]:
    """Cards for courses fetched with `.for_cards()`, each wishlist heart left as a hole."""
    card = get_template("courses/includes/course_card.html")
    heart = get_template("courses/includes/wishlist_heart.html")
    return [
        Card(
            pk=course.pk,
            slug=course.slug,
            title=course.title,
            html=card.render({"course": course, "wishlist_hole": hole(course.pk)}),
            anonymous_heart=heart.render({"course": course}),
        )
        for course in courses
    ]


def fill_hearts(html: str, cards, context) -> str:
    """`html` with the hole of each of `cards` filled with the visitor's wishlist heart."""
    by_pk = {card.pk: card for card in cards}
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return mark_safe(HOLE.sub(lambda m: by_pk[int(m[1])].anonymous_heart, html))  # noqa: S308 - rendered templates
    heart = get_template("courses/includes/wishlist_heart.html").template

    def signed_in_heart(match):
        with context.push(course=by_pk[int(match[1])]):
            return heart.render(context)

    return mark_safe(HOLE.sub(signed_in_heart, html))  # noqa: S308 - rendered templates
