"""The catalog's GET form: lenient parsing of list filters and the facet counts they imply.

Every value comes from the query string, so parsing never fails: unknown or malformed values are
dropped (never echoed back, never sent to the database), numbers are clamped to known choices.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _

from .catalog import Selection
from .models import LANGUAGES, Course

Q_MAX_LENGTH = 200
# Control characters (NUL included: PostgreSQL refuses it in a string) never reach the database.
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")

# Length options, in the order of DURATION_BANDS (courses.models).
DURATION_BUCKETS = {
    "short": _("Under 2 hours"),
    "medium": _("2–6 hours"),
    "long": _("6–17 hours"),
    "extra": _("17+ hours"),
}
# Rating options: the lowest rating band each one includes (RATING_BANDS, courses.models).
RATINGS = {
    "4.5": (_("4.5 & up"), 4),
    "4": (_("4.0 & up"), 3),
    "3.5": (_("3.5 & up"), 2),
    "3": (_("3.0 & up"), 1),
}
SORTS = {
    "relevance": _("Most relevant"),
    "popular": _("Most popular"),
    "rating": _("Highest rated"),
    "newest": _("Newest"),
    "title": _("Title A–Z"),
}
PAGE_SIZES = (12, 24)


def clean_text(value: str) -> str:
    return CONTROL_CHARS.sub(" ", value or "").strip()[:Q_MAX_LENGTH].strip()


def _known(values, allowed):
    """The values (in order, without repeats) that are among the allowed ones."""
    seen = []
    for value in values:
        if value in allowed and value not in seen:
            seen.append(value)
    return seen


@dataclass
class CategoryOption:
    category: object
    ids: list
    children: list = field(default_factory=list)
    count: int = 0
    selected: bool = False


@dataclass
class CatalogFilters:
    """What the catalog's GET form asked for, reduced to values we know."""

    q: str = ""
    categories: list = field(default_factory=list)  # slugs
    levels: list = field(default_factory=list)
    language: str = ""
    durations: list = field(default_factory=list)
    rating: str = ""
    sort: str = "popular"
    per_page: int = PAGE_SIZES[0]
    category_ids: dict = field(default_factory=dict)  # slug -> ids (itself and its children)

    @classmethod
    def from_query(cls, params, categories):
        """Parse a QueryDict; `categories` is every Category (for slugs and the tree)."""
        by_pk = {category.pk: category for category in categories}
        ids_by_slug = {category.slug: [category.pk] for category in categories}
        for category in categories:
            if category.parent_id in by_pk:
                ids_by_slug[by_pk[category.parent_id].slug].append(category.pk)
        q = clean_text(params.get("q", ""))
        sort = params.get("sort", "")
        if sort not in SORTS or (sort == "relevance" and not q):
            sort = "relevance" if q else "popular"
        try:
            per_page = int(params.get("per_page", PAGE_SIZES[0]))
        except (TypeError, ValueError):
            per_page = PAGE_SIZES[0]
        language = params.get("language", "")
        rating = params.get("rating", "")
        return cls(
            q=q,
            categories=_known(params.getlist("category"), ids_by_slug),
            levels=_known(params.getlist("level"), Course.Level.values),
            language=language if language in dict(LANGUAGES) else "",
            durations=_known(params.getlist("duration"), DURATION_BUCKETS),
            rating=rating if rating in RATINGS else "",
            sort=sort,
            per_page=per_page if per_page in PAGE_SIZES else PAGE_SIZES[0],
            category_ids=ids_by_slug,
        )

    # --- what to select ----------------------------------------------------------------------
    def selection(self, scope=None) -> Selection:
        """The filters as courses.catalog reads them (`scope`: a category page's category)."""
        categories = sorted({pk for slug in self.categories for pk in self.category_ids[slug]})
        bands = list(DURATION_BUCKETS)
        return Selection(
            q=self.q,
            scope=self.category_ids[scope.slug] if scope is not None else None,
            categories=categories or None,
            levels=self.levels or None,
            language=self.language or None,
            durations=[bands.index(key) for key in self.durations] or None,
            rating=RATINGS[self.rating][1] if self.rating else None,
        )

    @property
    def is_filtered(self):
        return bool(
            self.categories or self.levels or self.language or self.durations or self.rating
        )

    # --- facets ------------------------------------------------------------------------------
    def mark_categories(self, counts, category_options):
        """Give each category option its count (its own courses and its children's) and whether
        it is ticked."""
        per_category = counts["category"]
        for option in category_options:
            for item in [option, *option.children]:
                item.count = sum(per_category.get(pk, 0) for pk in item.ids)
                item.selected = item.category.slug in self.categories

    def facets(self, counts):
        """The sidebar's groups of (value, label, count, selected), in display order."""
        ratings = counts["rating"]
        return {
            "level": [
                (value, label, counts["level"].get(value, 0), value in self.levels)
                for value, label in Course.Level.choices
            ],
            "language": [
                (code, name, counts["language"].get(code, 0), code == self.language)
                for code, name in LANGUAGES
            ],
            "duration": [
                (key, label, counts["duration"].get(band, 0), key in self.durations)
                for band, (key, label) in enumerate(DURATION_BUCKETS.items())
            ],
            "rating": [
                (
                    key,
                    label,
                    sum(n for band, n in ratings.items() if band >= lowest),
                    key == self.rating,
                )
                for key, (label, lowest) in RATINGS.items()
            ],
        }

    # --- links -------------------------------------------------------------------------------
    def query_items(self, *, include_categories=True):
        """The cleaned parameters as (name, value) pairs, for links that keep the filters."""
        items = []
        if self.q:
            items.append(("q", self.q))
        if include_categories:
            items += [("category", slug) for slug in self.categories]
        items += [("level", level) for level in self.levels]
        if self.language:
            items.append(("language", self.language))
        items += [("duration", key) for key in self.durations]
        if self.rating:
            items.append(("rating", self.rating))
        if self.sort not in ("relevance", "popular"):
            items.append(("sort", self.sort))
        if self.per_page != PAGE_SIZES[0]:
            items.append(("per_page", str(self.per_page)))
        return items

    def chips(self, category_names):
        """Active filters as (label, query string without it): links that remove one filter."""
        labels = {
            "category": category_names,
            "level": dict(Course.Level.choices),
            "language": dict(LANGUAGES),
            "duration": DURATION_BUCKETS,
            "rating": {key: label for key, (label, _band) in RATINGS.items()},
        }
        items = self.query_items()
        chips = []
        for item in items:
            name, value = item
            if name in ("sort", "per_page"):
                continue
            label = f"“{value}”" if name == "q" else labels[name].get(value, value)
            chips.append((label, urlencode([other for other in items if other != item])))
        return chips

    def querystring(self, **kwargs):
        encoded = urlencode(self.query_items(**kwargs))
        return f"{encoded}&" if encoded else ""


def category_tree(categories, *, root=None):
    """Top-level categories with their children (or `root`'s children on a category page).

    Each option filters by its category and the category's children.
    """
    children = defaultdict(list)
    for category in categories:
        children[category.parent_id].append(category)

    def option(category):
        return CategoryOption(
            category=category, ids=[category.id, *(c.id for c in children[category.id])]
        )

    if root is not None:
        return [option(c) for c in children[root.id]]
    options = []
    for category in children[None]:
        parent = option(category)
        parent.children = [CategoryOption(category=c, ids=[c.id]) for c in children[category.id]]
        options.append(parent)
    return options
