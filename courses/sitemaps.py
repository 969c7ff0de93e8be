from django.contrib.sitemaps import Sitemap

from users.models import User

from .models import Category, Course


class CourseSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8
    limit = 5000

    def items(self):
        return Course.objects.published().only("slug", "updated").order_by("id")

    def lastmod(self, course):
        return course.updated


class CategorySitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return Category.objects.only("slug").order_by("id")


class InstructorSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.4
    limit = 5000

    def items(self):
        return (
            User.objects.filter(courses_taught__in=Course.objects.published())
            .distinct()
            .only("username")
            .order_by("id")
        )


SITEMAPS = {
    "courses": CourseSitemap,
    "categories": CategorySitemap,
    "instructors": InstructorSitemap,
}
