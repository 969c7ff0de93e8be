"""The studio's "Course insights": the instructor's own courses with their learners, completion
rate and rating, each linking to a page of charts and tables, and a CSV of the same numbers.

Same row-level security as the rest of the studio (TaughtCoursesAdminMixin): another
instructor's course is a 404, superusers see every course. Read-only: nothing is added, changed
or deleted here.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from courses.admin_security import TaughtCoursesAdminMixin, limit_to_taught, sees_everything

from ..models import Enrollment
from .charts import insights_charts
from .export import insights_csv
from .models import CourseInsights
from .stats import course_insights


def count_enrollments(**conditions):
    """A correlated count of the course's enrolments (read through enrollment_completions)."""
    counted = (
        Enrollment.objects.filter(course=OuterRef("pk"), **conditions)
        .order_by()
        .values("course")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@admin.register(CourseInsights)
class CourseInsightsAdmin(TaughtCoursesAdminMixin, admin.ModelAdmin):
    course_lookup = ""  # the rows are courses
    list_display = ["insights_link", "status", "learners", "completed", "completion_rate", "rating"]
    list_display_links = None
    list_filter = ["status"]
    search_fields = ["title", "slug"]
    ordering = ["title", "id"]
    list_per_page = 50

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .only("id", "title", "slug", "status", "rating_average", "rating_count")
            .annotate(
                n_learners=count_enrollments(),
                n_completed=count_enrollments(completed_at__isnull=False),
            )
        )

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"

        def wrap(view):
            return self.admin_site.admin_view(require_safe(view))

        return [
            path("<int:course_id>/", wrap(self.insights_view), name=f"{prefix}_detail"),
            path("<int:course_id>/csv/", wrap(self.csv_view), name=f"{prefix}_csv"),
            *super().get_urls(),
        ]

    # --- the list ---------------------------------------------------------------------------
    @admin.display(description=_("course"), ordering="title")
    def insights_link(self, course):
        url = reverse("admin:learning_courseinsights_detail", args=[course.pk])
        return format_html('<a href="{}">{}</a>', url, course.title)

    @admin.display(description=_("learners"), ordering="n_learners")
    def learners(self, course):
        return course.n_learners

    @admin.display(description=_("completed"), ordering="n_completed")
    def completed(self, course):
        return course.n_completed

    @admin.display(description=_("completion rate"))
    def completion_rate(self, course):
        if not course.n_learners:
            return "–"
        return f"{round(100 * course.n_completed / course.n_learners)} %"

    @admin.display(description=_("rating"), ordering="-rating_average")
    def rating(self, course):
        if not course.rating_count:
            return "–"
        return f"{course.rating_average:.1f} ({course.rating_count})"

    # --- read-only --------------------------------------------------------------------------
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Nothing to change: the "change" address of a course leads to its insights.
        try:
            course_id = int(object_id)
        except ValueError:
            raise Http404(_("No such item in your courses.")) from None
        return redirect("admin:learning_courseinsights_detail", course_id=course_id)

    # --- the insights page and its CSV ------------------------------------------------------
    def course_or_404(self, request, course_id):
        course = limit_to_taught(CourseInsights.objects.all(), request.user, "").filter(
            pk=course_id
        )
        course = course.first()
        if course is None:
            raise Http404(_("No such item in your courses."))
        if not self.has_view_permission(request, course):
            raise PermissionDenied
        return course

    def insights_view(self, request, course_id):
        course = self.course_or_404(request, course_id)
        insights = course_insights(course)
        drop = insights.biggest_drop
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Insights: %(course)s") % {"course": course.title},
            "subtitle": None,
            "course": course,
            "insights": insights,
            "charts": insights_charts(insights),
            "drop": drop,
            "drop_before": insights.step_before(drop) if drop else None,
            "sees_everything": sees_everything(request.user),
        }
        return TemplateResponse(request, "learning/insights/course_insights.html", context)

    def csv_view(self, request, course_id):
        course = self.course_or_404(request, course_id)
        response = HttpResponse(
            "\ufeff" + insights_csv(course_insights(course)),  # the BOM: Excel reads UTF-8
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{course.slug}-insights.csv"'
        return response
