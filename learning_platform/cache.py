"""Anonymous page cache for the catalog: home, course list, category, course, instructor, sitemap.

Only anonymous GET/HEAD requests without a session or messages cookie are served from or stored
in the cache, only 200 responses that set no cookie and hold no CSRF token or CSP nonce. The key
holds the whole URL (scheme, host, path, query) and a site-wide version number; saving or deleting
anything an anonymous catalog page shows (courses, curriculum, categories, instructors, reviews)
bumps the version, so the next request renders afresh. CACHE_PAGE_SECONDS (0 turns the cache off)
bounds how long an entry lives.

Enrolments are frequent and change only counters: they bump nothing. The shared parts of a course
page are keyed on its enrolment and rating counters, so a signed-in visitor sees the new learner
count at once; anonymous pages and the "most popular" order of lists catch up within
CACHE_PAGE_SECONDS / CACHE_FRAGMENT_SECONDS.

The version lives in the configured cache, so with Redis every server sees a bump at once. The
local-memory cache is per process: on SQLite the version then lives in a file beside the database
(every process on the machine sees a bump); on another database without Redis each process keeps
its own version, and another process may serve a page up to CACHE_PAGE_SECONDS old.
"""

import functools
import hashlib
import logging
import os
import tempfile
import time

from django.apps import AppConfig
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponseNotModified
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import quote_etag

logger = logging.getLogger(__name__)

CACHEABLE_VIEWS = frozenset(
    {
        "home",
        "sitemap",
        "courses:list",
        "courses:category",
        "courses:detail",
        "courses:instructor",
    }
)
VERSION_KEY = "pagecache:version"
HIT_HEADER = "X-Page-Cache"


def page_cache_seconds() -> int:
    return max(0, int(getattr(settings, "CACHE_PAGE_SECONDS", 0) or 0))


def fragment_cache_seconds() -> int:
    return max(0, int(getattr(settings, "CACHE_FRAGMENT_SECONDS", 0) or 0))


def version_file() -> str | None:
    """Where the version lives when the cache is per process: beside the SQLite database file.

    Every process on the machine sees a bump at once (one stat() per request); with a shared
    cache (Redis) or another database the version lives in the cache.
    """
    if not settings.CACHES["default"]["BACKEND"].endswith("LocMemCache"):
        return None
    if connection.vendor != "sqlite":
        return None
    name = str(connection.settings_dict["NAME"] or "")
    if not name or "memory" in name:
        return None
    return f"{name}.page-cache-version"


def current_version():
    path = version_file()
    if path is not None:
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            return "0"
        # a bump replaces the file: a new inode even within the clock's granularity
        return f"{stat.st_ino}-{stat.st_mtime_ns}"
    version = cache.get(VERSION_KEY)
    if version is None:
        # never a number used before, even after the cache was emptied: values kept in a
        # process (see catalog_cached) are keyed on it; a cache that keeps nothing gives a new
        # one each time
        fresh = time.time_ns()
        cache.add(VERSION_KEY, fresh, timeout=None)
        version = cache.get(VERSION_KEY, fresh)
    return version


def bump_version(**_kwargs) -> None:
    """Make every cached page stale (signal receiver; also callable after bulk updates)."""
    path = version_file()
    if path is not None:
        try:
            fd, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".page-cache-")
            os.close(fd)
            os.replace(temporary, path)
        except OSError:
            logger.warning("page cache: could not bump the version file", exc_info=True)
        return
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet: nothing cached under a version either
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
    except Exception:  # a cache outage must not break a write; entries expire anyway
        logger.warning("page cache: could not bump the version", exc_info=True)


# catalog_cached(..., in_process=True) values, by key: {key: (monotonic expiry, value)}.
_in_process: dict[str, tuple[float, object]] = {}
IN_PROCESS_ENTRIES = 64


def catalog_cached(name: str, parts, compute, seconds: int | None = None, *, in_process=False):
    """`compute()`, kept in the cache under `name` + `parts` until the catalog changes.

    For what every visitor, signed in or not, shares (facet counts, a page of results, rendered
    course cards): the same version as the page cache, so a change to a course, its curriculum,
    a category, an instructor or a review recomputes it. CACHE_FRAGMENT_SECONDS=0 turns it off;
    a cache outage computes every time.
        counts = catalog_cached("facets", filters.querystring(), lambda: filters.facet_counts(qs))

    `in_process=True` also keeps the value in this process, for small values that a page needs
    on every request and that cost more to unpickle than to hold (model instances: the category
    tree took 0.19 ms of a 1.5 ms catalog page). The key holds the version, so a change shows at
    once; a process may keep a value up to twice `seconds` (a fresh copy of a shared entry).
    The value is shared by the process's requests: callers must not change it.
    """
    seconds = fragment_cache_seconds() if seconds is None else seconds
    if seconds <= 0:
        return compute()
    try:
        digest = hashlib.sha256(repr(parts).encode()).hexdigest()
        key = f"catalog:{name}:{current_version()}:{digest}"
        if in_process:
            held = _in_process.get(key)
            if held is not None and held[0] > time.monotonic():
                return held[1]
        value = cache.get(key)
    except Exception:
        logger.warning("catalog cache: lookup failed", exc_info=True)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, seconds)
        except Exception:
            logger.warning("catalog cache: store failed", exc_info=True)
    if in_process:
        if len(_in_process) >= IN_PROCESS_ENTRIES:
            _in_process.clear()
        _in_process[key] = (time.monotonic() + seconds, value)
    return value


def _bump_unless_login(sender, instance, update_fields=None, **kwargs):
    # Every login saves last_login; the names and pictures of instructors and reviewers show on
    # catalog pages, other people's profiles do not.
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    from django.apps import apps

    reviews = apps.get_model("learning.Review").objects.filter(user_id=instance.pk)
    if instance.courses_taught.exists() or reviews.exists():
        bump_version()


def connect_signals() -> None:
    from django.apps import apps

    from courses.models import Attachment, Category, Course, CourseInstructor, Lesson, Section

    # Looked up by name: the project package does not import the learning app's models.
    # Enrolments do not bump: a course page keys its parts on the course's counters, and the
    # "popular" order of cached lists may lag by CACHE_FRAGMENT_SECONDS (see the docstring).
    review = apps.get_model("learning.Review")
    models = [Course, Section, Lesson, Attachment, Category, CourseInstructor, review]
    for model in models:
        uid = f"pagecache:{model._meta.label}"
        post_save.connect(bump_version, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(bump_version, sender=model, dispatch_uid=uid + ":delete")
    m2m_changed.connect(
        bump_version, sender=Course.instructors.through, dispatch_uid="pagecache:instructors"
    )
    post_save.connect(
        _bump_unless_login, sender=settings.AUTH_USER_MODEL, dispatch_uid="pagecache:user"
    )


class PageCacheConfig(AppConfig):
    """Connects the invalidation signals (listed in INSTALLED_APPS)."""

    name = "learning_platform"
    label = "page_cache"
    verbose_name = "Page cache"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        connect_signals()


def _is_anonymous_request(request) -> bool:
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME not in cookies
        and getattr(settings, "MESSAGE_COOKIE_NAME", "messages") not in cookies
        and "HTTP_AUTHORIZATION" not in request.META
    )


def _view_name(request) -> str | None:
    return _resolve_view_name(request.path_info, get_urlconf())


@functools.lru_cache(maxsize=4096)
def _resolve_view_name(path: str, urlconf) -> str | None:
    # Resolving costs more than the whole cache hit; a path always resolves to the same view.
    try:
        return resolve(path, urlconf).view_name
    except Resolver404:
        return None


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


def _cache_key(request, version: int) -> str:
    # What build_absolute_uri() gives, without its escaping and joining (a hit is ~0.1 ms).
    url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    # LocaleMiddleware has not run yet: ask the same question it will (none with one language).
    language = (
        translation.get_language_from_request(request)
        if len(settings.LANGUAGES) > 1
        else settings.LANGUAGE_CODE
    )
    digest = hashlib.sha256(f"{language}|{url}".encode()).hexdigest()
    return f"pagecache:{version}:{digest}"


class AnonymousPageCacheMiddleware:
    """Serve anonymous catalog pages from the cache (place it right after WhiteNoise)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = page_cache_seconds()
        if (
            seconds == 0
            or request.method not in ("GET", "HEAD")
            or _view_name(request) not in CACHEABLE_VIEWS
        ):
            return self._finish(request, self.get_response(request))
        if not _is_anonymous_request(request):
            response = self.get_response(request)
            # A signed-in page: a browser may keep it, a shared cache never.
            patch_vary_headers(response, ("Cookie",))
            patch_cache_control(response, private=True)
            return response

        try:
            key = _cache_key(request, current_version())
            cached = cache.get(key)
        except Exception:  # the cache is an optimisation: render when it is down
            logger.warning("page cache: lookup failed", exc_info=True)
            return self._finish(request, self.get_response(request))
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
                cache.set(key, response, seconds)
            except Exception:
                logger.warning("page cache: store failed", exc_info=True)
        return response

    def _hit(self, request, cached):
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

    @staticmethod
    def _finish(request, response):
        # Pages that depend on who is signed in must never land in a shared cache.
        if (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            and not response.has_header("Cache-Control")
            and "Cookie" in response.get("Vary", "")
        ):
            patch_cache_control(response, private=True)
        return response
