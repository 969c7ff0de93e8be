"""The sitemap's sections: every published course, category and instructor page, at any size.

/sitemap.xml is the index; each section is split into pages of SITEMAP_PAGE_SIZE URLs
(/sitemap-courses.xml?p=2, …).
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, Max, OuterRef

from users.models import User

from .models import Category, Course


class PagedSitemap(Sitemap):
    @property
    def limit(self):
        return settings.SITEMAP_PAGE_SIZE


class CourseSitemap(PagedSitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Course.objects.published().only("slug", "updated").order_by("id")

    def lastmod(self, course):
        return course.updated

    def get_latest_lastmod(self):
        # One aggregate, not every course loaded, for the index's <lastmod>.
        return Course.objects.published().aggregate(latest=Max("updated"))["latest"]


class CategorySitemap(PagedSitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return Category.objects.only("slug").order_by("id")


class InstructorSitemap(PagedSitemap):
    changefreq = "monthly"
    priority = 0.4

    def items(self):
        # Instructors with something to show: a published course.
        teaches = Course.objects.published().filter(instructors=OuterRef("pk"))
        return User.objects.filter(Exists(teaches)).only("username").order_by("id")


SITEMAPS = {
    "courses": CourseSitemap,
    "categories": CategorySitemap,
    "instructors": InstructorSitemap,
}
