"""The site's one cache layer: whole pages for anonymous visitors, and shared fragments.

What is kept (in CACHES["pages"]; CACHE_PAGE_SECONDS and CACHE_FRAGMENT_SECONDS bound how long,
0 turns either off):
- **pages**: the answer to an anonymous GET of a view marked `@cache_page_for_anonymous(...)`
  (home, catalog and category pages without a search, course and instructor pages, sitemap);
- **fragments**: rendered pieces many pages share (course cards), through `cached_many`.

When it goes stale: every key holds the *versions* of what it shows. A version is a row of
core.models.CacheVersion: "catalog" for what lists show, `course_version(course)` for one
course's page. A write that changes what a page shows calls `invalidate(...)` with those names,
inside its transaction: the new version is visible to every server exactly when the data is
committed (never before, so nothing old is cached under it), and it lives in the database, so a
cache outage cannot lose it. Enrolments invalidate nothing: learner counts and the "most
popular" order catch up within CACHE_PAGE_SECONDS.
"""

import functools
import hashlib
import logging
import random

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponseNotModified
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import quote_etag

logger = logging.getLogger(__name__)

HIT_HEADER = "X-Page-Cache"
CATALOG = "catalog"


def store():
    return caches["pages"]


def page_seconds() -> int:
    return max(0, int(settings.CACHE_PAGE_SECONDS or 0))


def fragment_seconds() -> int:
    return max(0, int(settings.CACHE_FRAGMENT_SECONDS or 0))


# --- versions ---------------------------------------------------------------------------------
def course_version(slug: str) -> str:
    """The name of one course's version (its page; by slug, which is what its URL holds)."""
    return f"course:{slug}"


def invalidate(*names: str) -> None:
    """Bump these versions in the current transaction (every page and fragment keyed on them is
    stale once it commits)."""
    table = connection.ops.quote_name("core_cacheversion")
    with connection.cursor() as cursor:
        for name in sorted(set(names)):
            # A new row starts anywhere: a database restored under a cache that kept its
            # entries does not meet them again.
            cursor.execute(
                f"INSERT INTO {table} (name, value) VALUES (%s, %s) "  # noqa: S608 - constant table
                f"ON CONFLICT (name) DO UPDATE SET value = {table}.value + 1",
                [name, random.randrange(1, 2**62)],
            )


def versions(names) -> tuple:
    """The current values of these versions (0 for one never bumped), in the order given."""
    names = list(names)
    table = connection.ops.quote_name("core_cacheversion")
    marks = ", ".join(["%s"] * len(names))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT name, value FROM {table} WHERE name IN ({marks})", names)  # noqa: S608
        found = dict(cursor.fetchall())
    return tuple(found.get(name, 0) for name in names)


# --- fragments --------------------------------------------------------------------------------
def cached_many(prefix: str, items: dict, render) -> dict:
    """{key: fragment} for every key of `items` ({key: what to render}): kept fragments come
    from the cache in one call, the rest from `render({key: item})`, which returns {key: html}.
    Each key must say everything its fragment shows (row values and versions)."""
    seconds = fragment_seconds()
    if seconds == 0 or not items:
        return render(items)
    keys = {key: f"{prefix}:{hashlib.sha256(repr(key).encode()).hexdigest()}" for key in items}
    found = {}
    try:
        kept = store().get_many(list(keys.values()))
        found = {key: kept[stored] for key, stored in keys.items() if stored in kept}
    except Exception:  # the cache is an optimisation: render when it is down
        logger.warning("fragment cache: lookup failed", exc_info=True)
    missing = {key: item for key, item in items.items() if key not in found}
    if missing:
        rendered = render(missing)
        found.update(rendered)
        try:
            store().set_many({keys[key]: html for key, html in rendered.items()}, seconds)
        except Exception:
            logger.warning("fragment cache: store failed", exc_info=True)
    return found


# --- whole pages ------------------------------------------------------------------------------
def cache_page_for_anonymous(*, depends_on, params=None):
    """Let the anonymous answers of a view be kept whole (see AnonymousPageCacheMiddleware).

    `depends_on(kwargs)`: the names of the versions the page shows; `params`: the query
    parameters it reads (an anonymous request with any other is answered but not kept, so a
    random query string cannot fill the cache).
    """

    def mark(view):
        view.page_cache = (depends_on, frozenset(params) if params is not None else None)
        return view

    return mark


@functools.lru_cache(maxsize=4096)
def _policy(path: str, urlconf):
    # Resolving costs more than a whole cache hit; a path always resolves to the same view.
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    policy = getattr(match.func, "page_cache", None)
    return (policy[0](match.kwargs), policy[1]) if policy else None


def _language(request) -> str:
    # LocaleMiddleware has not run yet: ask the question it will (none on a one-language site).
    if len(settings.LANGUAGES) > 1:
        return translation.get_language_from_request(request)
    return settings.LANGUAGE_CODE


def _is_anonymous_request(request) -> bool:
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME not in cookies
        and getattr(settings, "MESSAGE_COOKIE_NAME", "messages") not in cookies
        and "HTTP_AUTHORIZATION" not in request.META
    )


def _can_store(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not isinstance(getattr(request, "_csp_nonce", None), str)
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


class AnonymousPageCacheMiddleware:
    """Serve anonymous pages from the cache, before sessions and authentication run.

    Only GET/HEAD without a session or messages cookie, only views marked with
    `cache_page_for_anonymous`, only 200 answers that set no cookie and hold no CSRF token or
    CSP nonce. The key holds the URL (scheme, host, path, query) and the page's versions.
    Signed-in answers of those views are marked private, never kept.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        policy = None
        if request.method in ("GET", "HEAD") and page_seconds():
            policy = _policy(request.path_info, get_urlconf())
        if policy is None:
            return self.get_response(request)
        names, params = policy
        if not _is_anonymous_request(request):
            response = self.get_response(request)
            # A signed-in page: a browser may keep it, a shared cache never.
            patch_vary_headers(response, ("Cookie",))
            patch_cache_control(response, private=True)
            return response
        if params is not None and not set(request.GET) <= params:
            return self.get_response(request)
        try:
            url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
            digest = hashlib.sha256(f"{_language(request)}|{url}|{versions(names)}".encode())
            digest = digest.hexdigest()
            key = f"page:{digest}"
            cached = store().get(key)
        except Exception:  # the cache is an optimisation: render when it is down
            logger.warning("page cache: lookup failed", exc_info=True)
            return self.get_response(request)
        if cached is not None:
            return self._hit(request, cached)
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        if _can_store(request, response):
            if not response.has_header("ETag"):
                response["ETag"] = quote_etag(hashlib.md5(response.content).hexdigest())  # noqa: S324
            patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
            response[HIT_HEADER] = "miss"
            try:
                store().set(key, response, page_seconds())
            except Exception:
                logger.warning("page cache: store failed", exc_info=True)
        return response

    @staticmethod
    def _hit(request, cached):
        etag = cached.get("ETag")
        if etag and etag in request.META.get("HTTP_IF_NONE_MATCH", ""):
            response = HttpResponseNotModified()
            for header in ("ETag", "Cache-Control", "Vary"):
                if cached.has_header(header):
                    response[header] = cached[header]
        else:
            response = cached
        response[HIT_HEADER] = "hit"
        return response
