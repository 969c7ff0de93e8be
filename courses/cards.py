"""Course cards rendered once and shared by every visitor, with a hole for the one part that
depends on who looks: the wishlist heart (learning's `wishlist_toggle`, filled in per request).

Catalog pages keep lists of `Card` in the cache (learning_platform.cache.catalog_cached), so a
page of cards costs neither SQL nor template rendering until the catalog changes.
"""

from dataclasses import dataclass

from django.template.loader import get_template
from django.urls import reverse
from django.utils.safestring import mark_safe

WISHLIST_HOLE = mark_safe("<!--wishlist-toggle-->")


@dataclass(frozen=True)
class Card:
    """A rendered course card; pk, slug and title are what the wishlist heart needs."""

    pk: int
    slug: str
    title: str
    html: str

    def get_absolute_url(self):
        return reverse("courses:detail", kwargs={"slug": self.slug})


def render_cards(courses) -> list[Card]:
    """Cards for courses fetched with `.for_cards()`, the wishlist heart left as a hole."""
    template = get_template("courses/includes/course_card.html")
    return [
        Card(
            pk=course.pk,
            slug=course.slug,
            title=course.title,
            html=template.render({"course": course, "wishlist_hole": WISHLIST_HOLE}),
        )
        for course in courses
    ]
