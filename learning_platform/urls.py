import re

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from core import views as core_views
from courses import views as course_views
from courses.admin_security import view_on_site

# Admin login goes through allauth, so its rate limits and verified-email rules apply.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = f"{settings.SITE_NAME} studio"
admin.site.site_title = f"{settings.SITE_NAME} studio"
admin.site.index_title = "Your courses"  # superusers read "Site administration" (admin/index.html)
# The changelists get the whole width (the studio's home lists every model).
admin.site.enable_nav_sidebar = False

handler400 = "core.views.error_400"
handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"

urlpatterns = [
    path("", course_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("robots.txt", core_views.robots_txt, name="robots_txt"),
    path("sitemap.xml", course_views.sitemap_index, name="sitemap"),
    path("sitemap-<section>.xml", course_views.sitemap_section, name="sitemap-section"),
    # Before the admin's own: its "view on site" redirect, for rows the user may open only.
    path("admin/r/<int:content_type_id>/<path:object_id>/", admin.site.admin_view(view_on_site)),
    path("admin/", admin.site.urls),
    path("_nested_admin/", include("nested_admin.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("users.urls")),
    path("", include("courses.urls")),
    path("", include("learning.urls")),
]
if settings.MEDIA_URL.startswith("/"):
    # Uploaded files on one machine (object storage serves its own from its own address).
    urlpatterns.append(
        re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.+)$", core_views.media)
    )
