"""Settings for the learning platform, read from the environment (see .env.example).

With nothing set this is a local development site on SQLite. DATABASE_URL, REDIS_URL and the
AWS_* variables switch to PostgreSQL, Redis and S3-compatible storage without code changes.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-local-development-only-key")
    ALLOWED_HOSTS = env.list(
        "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"]
    )
else:
    # Production must say who it is: no default secret, no wildcard host.
    SECRET_KEY = env.str("SECRET_KEY", default="")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured("Set SECRET_KEY (50+ random characters) when DEBUG is off.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Set ALLOWED_HOSTS when DEBUG is off.")

SITE_NAME = env.str("SITE_NAME", default="Learnwell")
# The site's address as its visitors type it: links in emails, written outside any request.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.forms",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "nested_admin",
    "core",
    "users",
    "courses",
    "learning",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A session cookie that is not a session key never reaches the session store (security).
    "core.middleware.MalformedSessionCookieMiddleware",
    # Anonymous catalog pages from the cache, before sessions/auth run (core/cache.py).
    "core.cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Staff saving a big course in the studio may post more fields than the public (below).
    "core.middleware.StudioFormLimitsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Last, so its process_exception runs first: database down → friendly 503 page.
    "core.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "learning_platform.urls"
WSGI_APPLICATION = "learning_platform.wsgi.application"
ASGI_APPLICATION = "learning_platform.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
                "courses.context_processors.hooks",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside one writer; IMMEDIATE takes the write lock up front so
        # concurrent writers wait (busy timeout) instead of failing with "database is locked".
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=20),
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Persistent connections (SQLite too: opening one and its PRAGMAs cost more than a page's queries).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions -----------------------------------------------------------------------
# "default": a table in the database, shared by every worker and server: allauth's rate limits
# hold across them and keep working when Redis is away. "pages": whole anonymous pages and course
# cards (core.cache): Redis when REDIS_URL is set, else a bounded local-memory cache in each
# process; both are keyed on versions kept in the database, so every copy stays current.
REDIS_URL = env.str("REDIS_URL", default="")
CACHE_PAGES_MAX_ENTRIES = env.int("CACHE_PAGES_MAX_ENTRIES", default=2000)
if REDIS_URL:
    _pages_cache = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="lp"),
        "OPTIONS": {
            # Redis down: reads miss and writes are skipped, the site keeps serving.
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 1,
            "SOCKET_TIMEOUT": 1,
        },
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    _pages_cache = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": CACHE_PAGES_MAX_ENTRIES},
    }
CACHES = {
    # The table is core.models.CacheEntry, created by migrate.
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "core_cache"},
    "pages": _pages_cache,
}
# Sessions in the database: one indexed read per signed-in request, nothing to lose in an outage.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
CACHE_PAGE_SECONDS = env.int("CACHE_PAGE_SECONDS", default=300)
CACHE_FRAGMENT_SECONDS = env.int("CACHE_FRAGMENT_SECONDS", default=300)

# --- Accounts ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "learning:dashboard"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "users.forms.SignupForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_ADAPTER = "users.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_USER_DISPLAY = "users.models.display_name"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    # Ours (users.views.profile): saving the profile, which may upload an avatar.
    "change_profile": "10/h/user",
}
# Behind a load balancer: how many proxies add to X-Forwarded-For (for allauth's rate limits).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Email ------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Learnwell <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where people write when something does not arrive (shown on the "check your email" page).
SUPPORT_EMAIL = env.str("SUPPORT_EMAIL", default="support@example.com")

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English"))]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
# The site's own words where allauth's differ ("Log in", not "Sign In"): locale/en/.
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True
# Django 6.0's default today: a URL typed without a scheme (video links) means https.
FORMS_URLFIELD_ASSUME_HTTPS = True

# --- Static and media files -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Attachments and uploaded lesson videos: never under a public URL; served by a view that checks
# enrolment (learning/views_files.py).
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private_media")
SITEMAP_PAGE_SIZE = env.int("SITEMAP_PAGE_SIZE", default=1000)
# `manage.py loaddata demo` finds fixtures/demo.json from any working directory.
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=not DEBUG)
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default=None)
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default=None)
    AWS_S3_CUSTOM_DOMAIN = env.str("AWS_S3_CUSTOM_DOMAIN", default=None)
    AWS_S3_FILE_OVERWRITE = False
    AWS_DEFAULT_ACL = None
    _s3 = "storages.backends.s3.S3Storage"
    _media_storage = {"BACKEND": _s3, "OPTIONS": {"location": "media", "querystring_auth": False}}
    _private_storage = {
        "BACKEND": _s3,
        "OPTIONS": {
            "location": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "custom_domain": None,
        },
    }
else:
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    _private_storage = {"BACKEND": "core.storage.PrivateFileSystemStorage"}
STORAGES = {
    "default": _media_storage,
    "private": _private_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_MAX_AGE = 31536000 if STATIC_MANIFEST else 0

# Upload limits (bytes and pixels); refusals are form errors.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Staff posting to the admin only: the nested form of a course of 300 lessons posts ~4,000 fields
# and, from a browser, ~300 empty file inputs (core.middleware.StudioFormLimitsMiddleware).
STUDIO_UPLOAD_LIMITS = {
    "DATA_UPLOAD_MAX_NUMBER_FIELDS": env.int("STUDIO_MAX_NUMBER_FIELDS", default=20_000),
    "DATA_UPLOAD_MAX_NUMBER_FILES": env.int("STUDIO_MAX_NUMBER_FILES", default=2_000),
}
IMAGE_UPLOAD_MAX_BYTES = env.int("IMAGE_UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)
IMAGE_UPLOAD_MAX_PIXELS = env.int("IMAGE_UPLOAD_MAX_PIXELS", default=40_000_000)
VIDEO_UPLOAD_MAX_BYTES = env.int("VIDEO_UPLOAD_MAX_BYTES", default=500 * 1024 * 1024)
ATTACHMENT_UPLOAD_MAX_BYTES = env.int("ATTACHMENT_UPLOAD_MAX_BYTES", default=50 * 1024 * 1024)

# --- How the apps plug into each other ---------------------------------------------------------
# Catalog pages (courses) show learner state through templates that learning provides: courses'
# templates include these names and never load learning's tags (see core context processor).
CATALOG_TEMPLATE_HOOKS = {
    "card_action": "learning/hooks/card_action.html",
    "course_sidebar": "learning/hooks/course_sidebar.html",
    "course_reviews": "learning/hooks/course_reviews.html",
    "course_questions": "learning/hooks/course_questions.html",
    # The studio's course page (admin/courses/course/change_form_object_tools.html).
    "studio_course_tools": "learning/hooks/studio_course_tools.html",
    "curriculum_quiz": "learning/hooks/curriculum_quiz.html",
}
# Lesson and attachment pages are learning's views; instructor pages are the catalog's: the
# models below link to them without reversing a name of an app above their own.
ABSOLUTE_URL_OVERRIDES = {
    "courses.lesson": lambda lesson: reverse(
        "learning:lesson", kwargs={"slug": lesson.course.slug, "lesson_slug": lesson.slug}
    ),
    "courses.attachment": lambda attachment: reverse(
        "learning:attachment",
        kwargs={
            "slug": attachment.lesson.course.slug,
            "lesson_slug": attachment.lesson.slug,
            "pk": attachment.pk,
        },
    ),
    "users.user": lambda user: reverse("courses:instructor", kwargs={"username": user.username}),
}

# --- Forms ------------------------------------------------------------------------------------
# Widgets may use the site's templates (users/widgets/avatar_input.html).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security ---------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# Only our own scripts and styles; video frames only from the allow-listed privacy-friendly hosts.
VIDEO_EMBED_HOSTS = ["https://www.youtube-nocookie.com", "https://player.vimeo.com"]


def _bucket_origins() -> list[str]:
    """Where browsers fetch the bucket's files: public media from the custom domain (or the
    bucket), signed private files (lesson videos) always from the bucket's own address."""
    if not AWS_STORAGE_BUCKET_NAME:
        return []
    origins = [f"https://{AWS_S3_CUSTOM_DOMAIN}"] if AWS_S3_CUSTOM_DOMAIN else []
    if AWS_S3_ENDPOINT_URL:  # S3-compatible storage: the bucket is a path under the endpoint
        endpoint = urlsplit(AWS_S3_ENDPOINT_URL)
        return [*origins, f"{endpoint.scheme}://{endpoint.netloc}"]
    # Amazon S3: the bucket's global name, and its region's (S3 redirects a newer bucket there).
    hosts = [f"{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com"]
    if AWS_S3_REGION_NAME:
        hosts.append(f"{AWS_STORAGE_BUCKET_NAME}.s3.{AWS_S3_REGION_NAME}.amazonaws.com")
    return [*origins, *(f"https://{host}" for host in hosts)]


_media_origins = _bucket_origins()
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *_media_origins],
        "media-src": ["'self'", *_media_origins],
        "font-src": ["'self'"],
        "frame-src": VIDEO_EMBED_HOSTS,
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Logging ----------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
