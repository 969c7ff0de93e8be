"""Distinct URLs of the long tail, taken from the seeded catalog (runs inside Django).

Real traffic is mostly URLs seen once: every search is different and there are thousands of
course pages. `sample(kind, n, seed)` gives n distinct paths of one kind, in random order:

- search:  single words and word pairs from course titles, subtitles and instructor names
- course:  course pages
- catalog: category / level / language / duration / rating / sort / page combinations
- sitemap: the sitemap index and every section page
"""

import random
from urllib.parse import urlencode

from django.db.models import Max, Min
from django.urls import reverse

from courses.forms import DURATION_BUCKETS, RATINGS, SORTS
from courses.models import LANGUAGES, Category, Course

KINDS = ("search", "course", "catalog", "sitemap")


def _words(rng, limit=4000):
    """Distinct lowercase words of titles and subtitles of a sample of published courses."""
    words = set()
    ids = _published_ids(rng, limit)
    for title, subtitle in Course.objects.filter(pk__in=ids).values_list("title", "subtitle"):
        words.update(w.lower() for w in f"{title} {subtitle}".split() if w.isalpha() and len(w) > 2)
    return sorted(words)


def _published_ids(rng, n):
    """n random published course ids (a random range of ids, not a scan of the table)."""
    bounds = Course.objects.published().aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return []
    low, high = bounds["low"], bounds["high"]
    candidates = rng.sample(range(low, high + 1), min(high - low + 1, n * 2))
    found = list(
        Course.objects.published().filter(pk__in=candidates).values_list("pk", flat=True)[:n]
    )
    rng.shuffle(found)
    return found


def search_paths(rng, n):
    words = _words(rng)
    catalog = reverse("courses:list")
    queries = set()
    singles = rng.sample(words, min(len(words), n // 3))
    queries.update(singles)
    attempts = 0
    while len(queries) < n and attempts < n * 20 and len(words) > 1:
        attempts += 1
        queries.add(" ".join(rng.sample(words, 2)))
    return [f"{catalog}?{urlencode({'q': q})}" for q in sorted(queries)]


def course_paths(rng, n):
    ids = _published_ids(rng, n)
    slugs = Course.objects.filter(pk__in=ids).values_list("slug", flat=True)
    return [reverse("courses:detail", kwargs={"slug": slug}) for slug in slugs]


def catalog_paths(rng, n):
    categories = list(Category.objects.values_list("slug", "parent_id"))
    catalog = reverse("courses:list")
    paths = set()
    attempts = 0
    while len(paths) < n and attempts < n * 20:
        attempts += 1
        params = []
        category_page = rng.random() < 0.3 and categories
        if category_page:
            slug = rng.choice(categories)[0]
            base = reverse("courses:category", kwargs={"slug": slug})
        else:
            base = catalog
            if rng.random() < 0.5 and categories:
                params += [("category", rng.choice(categories)[0])]
        if rng.random() < 0.4:
            params.append(("level", rng.choice(Course.Level.values)))
        if rng.random() < 0.25:
            params.append(("language", rng.choice(LANGUAGES)[0]))
        if rng.random() < 0.2:
            params.append(("duration", rng.choice(list(DURATION_BUCKETS))))
        if rng.random() < 0.2:
            params.append(("rating", rng.choice(list(RATINGS))))
        sort = rng.choice([s for s in SORTS if s != "relevance"])
        if sort != "popular":
            params.append(("sort", sort))
        page = rng.choice([1, 1, 1, 2, 3, 5, 10, 20])
        if page > 1:
            params.append(("page", page))
        paths.add(f"{base}?{urlencode(params)}" if params else base)
    return sorted(paths)


def sitemap_paths(rng, n):
    from courses.sitemaps import SITEMAPS

    paths = [reverse("sitemap")]
    for section, sitemap in SITEMAPS.items():
        pages = sitemap().paginator.num_pages
        paths += [
            reverse("sitemap-section", kwargs={"section": section}) + (f"?p={p}" if p > 1 else "")
            for p in range(1, pages + 1)
        ]
    return paths[:n]


def sample(kind: str, n: int, seed: int = 1) -> list[str]:
    """n distinct paths of `kind` (fewer when the catalog has fewer), in random order."""
    rng = random.Random(f"{kind}-{seed}")
    paths = {
        "search": search_paths,
        "course": course_paths,
        "catalog": catalog_paths,
        "sitemap": sitemap_paths,
    }[kind](rng, n)
    rng.shuffle(paths)
    return paths
