"""The catalog's GET form: lenient parsing of list filters and the facet counts they imply.

Every value comes from the query string, so parsing never fails: unknown or malformed values are
dropped (never echoed back, never sent to the database), numbers are clamped to known choices.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from .models import LANGUAGES, Course

Q_MAX_LENGTH = 200
# Control characters (NUL included: PostgreSQL refuses it in a string) never reach the database.
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")

DURATION_BUCKETS = {
    "short": (_("Under 2 hours"), Q(total_duration__lt=120)),
    "medium": (_("2–6 hours"), Q(total_duration__gte=120, total_duration__lt=360)),
    "long": (_("6–17 hours"), Q(total_duration__gte=360, total_duration__lt=1020)),
    "extra": (_("17+ hours"), Q(total_duration__gte=1020)),
}
RATINGS = {
    "4.5": _("4.5 & up"),
    "4": _("4.0 & up"),
    "3.5": _("3.5 & up"),
    "3": _("3.0 & up"),
}
SORTS = {
    "relevance": (_("Most relevant"), ("-enrollment_count", "-rating_average", "-id")),
    "popular": (_("Most popular"), ("-enrollment_count", "-rating_average", "-id")),
    "rating": (_("Highest rated"), ("-rating_average", "-rating_count", "-id")),
    "newest": (_("Newest"), ("-published_at", "-id")),
    "title": (_("Title A–Z"), ("title", "id")),
}
PAGE_SIZES = (12, 24)
FACET_GROUPS = ("category", "level", "language", "duration", "rating")


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

    # --- filtering ---------------------------------------------------------------------------
    def group_conditions(self):
        """One Q per active filter group; options inside a group are alternatives (OR)."""
        conditions = {}
        if self.categories:
            ids = {pk for slug in self.categories for pk in self.category_ids[slug]}
            conditions["category"] = Q(category_id__in=sorted(ids))
        if self.levels:
            conditions["level"] = Q(level__in=self.levels)
        if self.language:
            conditions["language"] = Q(language=self.language)
        if self.durations:
            condition = Q()
            for key in self.durations:
                condition |= DURATION_BUCKETS[key][1]
            conditions["duration"] = condition
        if self.rating:
            conditions["rating"] = Q(rating_average__gte=Decimal(self.rating))
        return conditions

    def condition(self, *, without=None):
        combined = Q()
        for group, condition in self.group_conditions().items():
            if group != without:
                combined &= condition
        return combined

    def apply(self, queryset):
        return queryset.filter(self.condition())

    @property
    def ordering(self):
        return SORTS[self.sort][1]

    @property
    def is_filtered(self):
        return bool(self.group_conditions())

    # --- facets ------------------------------------------------------------------------------
    def facet_counts(self, queryset, category_options):
        """Counts for every option in ONE query: each group counts under the OTHER filters."""
        aggregates = {"total": Count("pk", filter=self.condition())}
        for option in category_options:
            for item in [option, *option.children]:
                aggregates[f"category_{item.category.pk}"] = Count(
                    "pk",
                    filter=self.condition(without="category") & Q(category_id__in=item.ids),
                )
        options = {
            "level": {value: Q(level=value) for value in Course.Level.values},
            "language": {code: Q(language=code) for code, _name in LANGUAGES},
            "duration": {key: condition for key, (_label, condition) in DURATION_BUCKETS.items()},
            "rating": {key: Q(rating_average__gte=Decimal(key)) for key in RATINGS},
        }
        for group, choices in options.items():
            others = self.condition(without=group)
            for key, condition in choices.items():
                aggregates[f"{group}_{key}"] = Count("pk", filter=others & condition)
        return queryset.order_by().aggregate(**aggregates)

    def mark_categories(self, counts, category_options):
        """Give each category option its count and whether it is ticked."""
        for option in category_options:
            for item in [option, *option.children]:
                item.count = counts[f"category_{item.category.pk}"]
                item.selected = item.category.slug in self.categories

    def facets(self, counts):
        """The sidebar's groups of (value, label, count, selected), in display order."""
        return {
            "level": [
                (value, label, counts[f"level_{value}"], value in self.levels)
                for value, label in Course.Level.choices
            ],
            "language": [
                (code, name, counts[f"language_{code}"], code == self.language)
                for code, name in LANGUAGES
            ],
            "duration": [
                (key, label, counts[f"duration_{key}"], key in self.durations)
                for key, (label, _condition) in DURATION_BUCKETS.items()
            ],
            "rating": [
                (key, label, counts[f"rating_{key}"], key == self.rating)
                for key, label in RATINGS.items()
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
            "duration": {key: label for key, (label, _c) in DURATION_BUCKETS.items()},
            "rating": RATINGS,
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
