"""Crawl the demo site as each demo account: no page errors, no link is broken.

Starting at / (and /admin/ plus every admin changelist and a change page of every model for
staff), follow every internal href up to MAX_PAGES pages per account. A 5xx anywhere or a 404
on a link the site itself printed fails the test, with the page that held the link. Every
static and media file a page references must exist. Logout and POST-only endpoints are not
followed: they are forms, not links.
"""

import os
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from users.models import User

MAX_PAGES = int(os.environ.get("CRAWL_MAX_PAGES", "400"))
MAX_VARIANTS_PER_PATH = 3  # query-string variants of one path (filters, sorting, pages)
MAX_PER_VIEW = 40  # pages of one kind (e.g. lesson change pages), so the bound covers every kind
SKIP_PREFIXES = ("/accounts/logout/", "/admin/logout/", "/_nested_admin/")
FILE_PREFIXES = (settings.STATIC_URL, settings.MEDIA_URL)
# A learner following the footer's "Instructor studio" link is refused by the admin login.
REFUSALS_BY_DESIGN = ("/admin/login/",)
ACCOUNTS = [None, "learner@example.com", "instructor@example.com", "admin@example.com"]


class LinkParser(HTMLParser):
    """Collects hrefs to follow and the asset URLs (src, stylesheet, srcset) a page uses."""

    def __init__(self):
        super().__init__()
        self.links, self.assets = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "link" and attrs.get("href"):
            rel = (attrs.get("rel") or "").lower()
            (self.assets if "stylesheet" in rel or "icon" in rel else self.links).append(
                attrs["href"]
            )
        elif (
            tag == "form"
            and (attrs.get("method") or "get").lower() == "get"
            and attrs.get("action")
        ):
            self.links.append(attrs["action"])
        for name in ("src", "poster"):
            if attrs.get(name) and tag in ("img", "script", "source", "video", "audio"):
                self.assets.append(attrs[name])
        if attrs.get("srcset"):
            self.assets += [part.strip().split(" ")[0] for part in attrs["srcset"].split(",")]


def is_internal(url):
    parts = urlsplit(url)
    return parts.scheme in ("", "http", "https") and parts.netloc in ("", "testserver")


def normalise(base, href):
    url, _fragment = urldefrag(urljoin(base, href.strip()))
    parts = urlsplit(url)
    if not is_internal(url) or not parts.path:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def view_name(path):
    try:
        return resolve(path).view_name
    except Resolver404:
        return path


def asset_exists(path):
    if path.startswith(settings.STATIC_URL):
        return finders.find(path.removeprefix(settings.STATIC_URL)) is not None
    return None  # uploaded media and views: fetched as a browser would


def admin_urls(user):
    """The changelist of every model the user may view, and the change page of its first row."""
    urls = ["/admin/"]
    request = RequestFactory().get("/admin/")
    request.user = user
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_permission(request):
            continue
        info = (model._meta.app_label, model._meta.model_name)
        try:
            urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        except NoReverseMatch:
            continue
        try:
            visible = model_admin.get_queryset(request)
        except Exception:  # an admin that needs more of the request: its list is crawled
            visible = model._default_manager.all()
        first = visible.order_by("pk").first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    return urls


def crawl(client, seeds):
    queue = deque((url, "(start)") for url in seeds)
    seen, variants, per_view, assets = set(seeds), {}, {}, {}
    problems, forbidden, pages = [], [], 0
    while queue and pages < MAX_PAGES:
        url, source = queue.popleft()
        pages += 1
        try:
            response = client.get(url)
        except Exception as exc:  # the test client re-raises view errors
            problems.append(f"500 {url} (linked from {source}): {exc!r}")
            continue
        status = response.status_code
        if status >= 500 or status == 404:
            problems.append(f"{status} {url} (linked from {source})")
            continue
        if status == 403 and not url.startswith(REFUSALS_BY_DESIGN):
            forbidden.append(f"403 {url} (linked from {source})")
        hrefs, page_assets = [], []
        if status in (301, 302, 303, 307, 308):
            hrefs = [response["Location"]]
        elif "html" in response.get("Content-Type", ""):
            parser = LinkParser()
            parser.feed(response.content.decode(response.charset or "utf-8", "replace"))
            hrefs, page_assets = parser.links, parser.assets
        for asset in page_assets:
            path = normalise(url, asset)
            if path and path not in assets:
                assets[path] = url
        for href in hrefs:
            target = normalise(url, href)
            if target and target.startswith(FILE_PREFIXES):
                assets.setdefault(target, url)  # a link to a file: checked in its storage
                continue
            if not target or target in seen or target.startswith(SKIP_PREFIXES):
                continue
            path = urlsplit(target).path
            if "?" in target:
                variants[path] = variants.get(path, 0) + 1
                if variants[path] > MAX_VARIANTS_PER_PATH:
                    continue
            kind = view_name(path)
            per_view[kind] = per_view.get(kind, 0) + 1
            if per_view[kind] > MAX_PER_VIEW:
                continue
            seen.add(target)
            queue.append((target, url))
    for path, page in sorted(assets.items()):
        exists = asset_exists(urlsplit(path).path)
        if exists is False:
            problems.append(f"missing file {path} (used by {page})")
        elif exists is None:
            status = client.get(path).status_code
            if status >= 400:
                problems.append(f"{status} asset {path} (used by {page})")
    return pages, problems, forbidden


@pytest.fixture
def demo_site(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    settings.CACHE_FRAGMENT_SECONDS = 300  # as in production: pages built from shared fragments
    call_command("load_demo", verbosity=0)


@pytest.mark.parametrize("email", ACCOUNTS, ids=["anonymous", "learner", "instructor", "admin"])
def test_crawl_finds_no_errors_and_no_broken_links(demo_site, email):
    client = Client()
    seeds = ["/"]
    if email:
        user = User.objects.get(email=email)
        client.force_login(user)
        seeds.append(reverse("learning:dashboard"))
        if user.is_staff:
            seeds += admin_urls(user)
    pages, problems, forbidden = crawl(client, seeds)
    assert pages >= 10, f"only {pages} pages reached from {seeds}"
    assert not problems, f"{len(problems)} problem(s) in {pages} pages:\n" + "\n".join(problems)
    # Links the site shows should not lead to a refusal either (reported together).
    assert not forbidden, "\n".join(forbidden)
