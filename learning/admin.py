"""Read-mostly admin for learner activity.

Instructors see the enrolments, reviews, certificates and wishlists of the courses they teach
(nothing else, and learners only by display name). Rows are written by learning.services, so the
admin never adds or edits them; superusers may remove enrolments and reviews, through the services
so that the course counters stay right.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from courses.admin_security import TaughtCoursesAdminMixin, sees_everything

from . import services
from .conversation import admin as conversation_admin  # noqa: F401 - registers the studio pages
from .insights import admin as insights_admin  # noqa: F401 - registers "Course insights"
from .models import Certificate, Enrollment, Review, WishlistItem


class LearnerActivityAdmin(TaughtCoursesAdminMixin, admin.ModelAdmin):
    course_lookup = "course"
    list_select_related = ["user", "course"]
    list_filter = [("course", admin.RelatedOnlyFieldListFilter)]
    list_per_page = 50
    superuser_can_delete = False

    def get_search_fields(self, request):
        if sees_everything(request.user):
            return ["user__email", "user__name", "user__username", "course__title"]
        return ["user__name", "user__username", "course__title"]

    def get_fields(self, request, obj=None):
        names = [f.name for f in self.model._meta.fields if f.name != "id"]
        if not sees_everything(request.user):
            # Instructors see a learner's display name, not their account.
            names = ["learner" if name == "user" else name for name in names]
        return names

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description=_("learner"), ordering="user__name")
    def learner(self, obj):
        return obj.user.display_name

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.superuser_can_delete and sees_everything(request.user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.has_delete_permission(request):
            actions.pop("delete_selected", None)
        return actions


@admin.register(Enrollment)
class EnrollmentAdmin(LearnerActivityAdmin):
    list_display = ["learner", "course", "created", "last_activity_at", "completed_at"]
    list_filter = [*LearnerActivityAdmin.list_filter, "completed_at"]
    date_hierarchy = "created"
    superuser_can_delete = True

    def delete_model(self, request, obj):
        services.unenroll(user=obj.user, course=obj.course)

    def delete_queryset(self, request, queryset):
        for enrollment in queryset.select_related("user", "course"):
            services.unenroll(user=enrollment.user, course=enrollment.course)


@admin.register(Review)
class ReviewAdmin(LearnerActivityAdmin):
    list_display = ["learner", "course", "rating", "progress_percent", "updated"]
    list_filter = [*LearnerActivityAdmin.list_filter, "rating"]
    date_hierarchy = "updated"
    superuser_can_delete = True

    def get_search_fields(self, request):
        return [*super().get_search_fields(request), "text"]

    def delete_model(self, request, obj):
        services.delete_review(user=obj.user, course=obj.course)

    def delete_queryset(self, request, queryset):
        for review in queryset.select_related("user", "course"):
            services.delete_review(user=review.user, course=review.course)


@admin.register(Certificate)
class CertificateAdmin(LearnerActivityAdmin):
    list_display = ["learner_name", "course_title", "course", "issued_at", "uuid"]
    date_hierarchy = "issued_at"
    view_on_site = True

    def get_search_fields(self, request):
        return [*super().get_search_fields(request), "learner_name", "course_title"]


@admin.register(WishlistItem)
class WishlistItemAdmin(LearnerActivityAdmin):
    list_display = ["learner", "course", "created"]
