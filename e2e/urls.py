"""The site's URLs plus uploaded media, so covers show in the live server (DEBUG is off there)."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from learning_platform.urls import *  # noqa: F403  (handler404 and friends)
from learning_platform.urls import urlpatterns as site_urlpatterns


def serve_media(request, path):
    # MEDIA_ROOT is a per-test temporary folder, so read it on every request.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    re_path(r"^{}(?P<path>.*)$".format(settings.MEDIA_URL.lstrip("/")), serve_media),
    *site_urlpatterns,
]
