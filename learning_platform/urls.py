from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import views

# Admin login goes through allauth, so its rate limits and verified-email rules apply.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = f"{settings.SITE_NAME} studio"
admin.site.site_title = f"{settings.SITE_NAME} studio"
admin.site.index_title = "Your courses"

handler400 = "learning_platform.views.error_400"
handler403 = "learning_platform.views.error_403"
handler404 = "learning_platform.views.error_404"
handler500 = "learning_platform.views.error_500"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("admin/", admin.site.urls),
    path("_nested_admin/", include("nested_admin.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("users.urls")),
    path("", include("courses.urls")),
    path("", include("learning.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
