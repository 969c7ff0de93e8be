"""Course cards, rendered once and shared by every page and visitor that shows them.

A card's HTML depends only on its course (the row's own values) and on the catalog version
(category and instructor names): it is kept in the fragment cache under exactly those
(core.cache.cached_many), so a page of cards costs one cache call once warm. What depends on the
visitor (the wishlist heart) is not part of the card: the grid draws it beside each card
(templates/courses/includes/card_grid.html).
"""

from dataclasses import dataclass

from django.template.loader import get_template
from django.urls import reverse
from django.utils.safestring import mark_safe

from core.cache import CATALOG, cached_many, versions


@dataclass(frozen=True)
class Card:
    """A rendered course card, with what the visitor's own parts need (id, slug, title)."""

    pk: int
    slug: str
    title: str
    html: str

    def get_absolute_url(self):
        return reverse("courses:detail", kwargs={"slug": self.slug})


def _key(course, catalog_version):
    return (
        course.pk,
        course.updated.isoformat(),
        str(course.rating_average),
        course.rating_count,
        course.lesson_count,
        course.total_duration,
        catalog_version,
    )


def render_cards(courses) -> list[Card]:
    """Cards for courses fetched with `.for_cards()`, in their order."""
    courses = list(courses)
    if not courses:
        return []
    (catalog_version,) = versions([CATALOG])
    by_key = {_key(course, catalog_version): course for course in courses}

    def render(missing):
        template = get_template("courses/includes/course_card.html")
        return {key: template.render({"course": course}) for key, course in missing.items()}

    html = cached_many("card", by_key, render)
    # rendered by our own template
    return [Card(c.pk, c.slug, c.title, mark_safe(html[key])) for key, c in by_key.items()]  # noqa: S308
