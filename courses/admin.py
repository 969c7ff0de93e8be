"""The instructors' studio: courses with their curriculum as nested, drag-sortable inlines.

Row-level security (own courses only) lives in courses/admin_security.py, forms in admin_forms.py.
"""

import nested_admin
from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.http import QueryDict
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from users.models import User

from . import services
from .admin_forms import (
    CourseAdminForm,
    CourseInstructorFormSet,
    LessonAdminForm,
    ProtectedFileInput,
    QuizOptionFormSet,
    QuizQuestionAdminForm,
    QuizQuestionFormSet,
    unique_lesson_slug,
    valid_initial,
)
from .admin_security import ScopedInlineMixin, TaughtCoursesAdminMixin, sees_everything
from .models import (
    Attachment,
    Category,
    Course,
    CourseInstructor,
    Lesson,
    QuizOption,
    QuizQuestion,
    Section,
)

# --- Inlines ------------------------------------------------------------------------------------

LESSON_FIELD_OVERRIDES = {
    models.FileField: {"widget": ProtectedFileInput(url_method="get_absolute_url")},
}


class SortableInlineMixin(ScopedInlineMixin):
    """The order field is set by dragging (django-nested-admin), so it is not shown."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == self.sortable_field_name:
            kwargs["widget"] = forms.HiddenInput()
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class AttachmentInline(ScopedInlineMixin, nested_admin.NestedTabularInline):
    model = Attachment
    formfield_overrides = {
        models.FileField: {"widget": ProtectedFileInput(url_method="get_absolute_url")}
    }
    course_lookup = "lesson__course"
    fields = ["title", "file", "size"]
    readonly_fields = ["size"]
    extra = 0


class QuizOptionInline(SortableInlineMixin, nested_admin.NestedTabularInline):
    model = QuizOption
    formset = QuizOptionFormSet
    course_lookup = "question__lesson__course"
    sortable_field_name = "order"
    fields = ["text", "is_correct", "order"]
    extra = 0
    verbose_name = _("answer")
    verbose_name_plural = _("answers (tick the correct ones)")


class QuizQuestionInline(SortableInlineMixin, nested_admin.NestedStackedInline):
    """A quiz lesson's questions (studio.css shows them only when the lesson's kind is Quiz)."""

    model = QuizQuestion
    form = QuizQuestionAdminForm
    formset = QuizQuestionFormSet
    course_lookup = "lesson__course"
    sortable_field_name = "order"
    inlines = [QuizOptionInline]
    fields = ["text", "kind", "explanation", "order"]
    extra = 0
    classes = ["quiz-questions"]


class LessonInline(SortableInlineMixin, nested_admin.NestedStackedInline):
    model = Lesson
    form = LessonAdminForm
    formfield_overrides = LESSON_FIELD_OVERRIDES
    course_lookup = "course"
    sortable_field_name = "order"
    inlines = [AttachmentInline, QuizQuestionInline]
    extra = 0
    fields = [
        ("title", "slug"),
        ("kind", "duration", "is_preview", "pass_mark"),
        "body",
        ("video_url", "video_file"),
        "order",
    ]
    prepopulated_fields = {"slug": ["title"]}


class SectionInline(SortableInlineMixin, nested_admin.NestedStackedInline):
    model = Section
    course_lookup = "course"
    sortable_field_name = "order"
    inlines = [LessonInline]
    fields = ["title", "order"]
    extra = 0


class CourseInstructorInline(SortableInlineMixin, nested_admin.NestedTabularInline):
    model = CourseInstructor
    formset = CourseInstructorFormSet
    course_lookup = "course"
    sortable_field_name = "order"
    autocomplete_fields = ["user"]
    fields = ["user", "order"]
    extra = 0
    verbose_name = _("instructor")
    verbose_name_plural = _("instructors (the first is the lead instructor)")

    def get_formset(self, request, obj=None, **kwargs):
        self._course = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            # Instructors, and whoever already teaches this course (even if no longer one).
            current = CourseInstructor.objects.filter(course=getattr(self, "_course", None))
            kwargs["queryset"] = User.objects.filter(
                pk__in=User.objects.instructors().values("pk")
            ) | User.objects.filter(pk__in=current.values("user_id"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# --- Courses ------------------------------------------------------------------------------------


class SharedCopyQueryDict(QueryDict):
    """The posted data of a course save, copied once for all its formsets.

    django-nested-admin gives each nested formset its own deep copy of the whole POST: a course
    of 300 lessons made 330 copies of 4,000 fields (20 s). A formset writes only keys of its own
    prefix (positions, ids), so one copy serves them all.
    """

    @classmethod
    def of(cls, data: QueryDict) -> "SharedCopyQueryDict":
        shared = cls(mutable=True, encoding=data.encoding)
        for key, values in data.lists():
            shared.setlist(key, values)
        return shared

    def copy(self):
        return self


@admin.register(Course)
class CourseAdmin(TaughtCoursesAdminMixin, nested_admin.NestedModelAdmin):
    form = CourseAdminForm
    inlines = [CourseInstructorInline, SectionInline]
    list_display = [
        "title",
        "status",
        "level",
        "lesson_count",
        "enrollment_count",
        "rating",
        "updated",
    ]
    list_filter = ["status", ("category", admin.RelatedOnlyFieldListFilter), "level", "language"]
    list_select_related = ["category", "category__parent"]
    search_fields = ["title", "subtitle", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["category"]
    date_hierarchy = "created"
    actions = ["publish_courses", "unpublish_courses"]
    save_on_top = True
    view_on_site = True
    readonly_fields = [
        "cover_preview",
        "published_at",
        "lesson_count",
        "total_duration",
        "enrollment_count",
        "rating_average",
        "rating_count",
        "created",
        "updated",
    ]
    fieldsets = [
        (None, {"fields": ["title", "slug", "subtitle", "category", ("level", "language")]}),
        (_("Cover image"), {"fields": ["cover_image", "cover_preview"]}),
        (_("Description"), {"fields": ["description", "learning_outcomes", "requirements"]}),
        (_("Publishing"), {"fields": ["status", "published_at"]}),
        (
            _("Numbers (kept up to date automatically)"),
            {
                "classes": ["collapse"],
                "fields": [
                    ("lesson_count", "total_duration"),
                    ("enrollment_count", "rating_average", "rating_count"),
                    ("created", "updated"),
                ],
            },
        ),
    ]

    @admin.display(description=_("preview"))
    def cover_preview(self, course):
        if not course.cover_image:
            return _("No cover image yet.")
        return format_html(
            '<img src="{}" alt="" width="320" height="180" class="studio-cover-preview">',
            course.cover_image.url,
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST":
            request.POST = SharedCopyQueryDict.of(request.POST)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_changeform_initial_data(self, request):
        return valid_initial(self.model, super().get_changeform_initial_data(request))

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None, **kwargs):
        if isinstance(obj, Lesson) and obj.kind != Lesson.Kind.QUIZ:
            # A saved lesson that is not a quiz shows no question forms: they would double the
            # page of a long course. Its (unposted) question formset still validates on save.
            kept = [
                (inline, formset)
                for inline, formset in zip(inline_instances, formsets, strict=True)
                if not isinstance(inline, QuizQuestionInline)
            ]
            inline_instances = [inline for inline, _formset in kept]
            formsets = [formset for _inline, formset in kept]
        return super().get_inline_formsets(request, formsets, inline_instances, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        if obj.status == Course.Status.PUBLISHED and not obj.published_at:
            obj.published_at = timezone.now()
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        parent = formset.instance
        if parent.pk and not type(parent)._default_manager.filter(pk=parent.pk).exists():
            # Its parent (a section or lesson) was deleted in this save, children with it.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return None
        if formset.model is not Lesson:
            return super().save_formset(request, form, formset, change)
        # Lesson slugs are unique per course: give a clashing new slug a suffix, never a 500.
        lessons = formset.save(commit=False)
        for lesson in formset.deleted_objects:
            if lesson.pk:
                lesson.delete()
        for lesson in lessons:
            lesson.slug = unique_lesson_slug(lesson)
            lesson.save()
        formset.save_m2m()
        return None

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        course = form.instance
        self._add_creator_as_instructor(request, course, change)
        services.refresh_curriculum_counters(course)
        course.refresh_from_db()
        if course.status == Course.Status.PUBLISHED and course.lesson_count == 0:
            services.unpublish(course)
            self.message_user(
                request,
                _("“%(title)s” has no lessons left, so it was moved back to draft.")
                % {"title": course.title},
                messages.WARNING,
            )

    @staticmethod
    def _add_creator_as_instructor(request, course, change):
        """A new course's creator becomes its lead instructor (a superuser only if none given)."""
        user = request.user
        instructors = CourseInstructor.objects.filter(course=course)
        if change or instructors.filter(user=user).exists():
            return
        if sees_everything(user) and instructors.exists():
            return
        for row in instructors:
            row.order += 1
            row.save(update_fields=["order"])
        CourseInstructor.objects.create(course=course, user=user, order=0)

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("category").prefetch_related("instructors")
        )

    def get_list_display(self, request):
        # Superusers see every course, so they need to see who teaches it.
        if sees_everything(request.user):
            return [*self.list_display[:2], "instructor_names", *self.list_display[2:]]
        return self.list_display

    @admin.display(description=_("rating"), ordering="-rating_average")
    def rating(self, course):
        if not course.rating_count:
            return "–"
        return f"{course.rating_average:.1f} ({course.rating_count})"

    @admin.display(description=_("instructors"))
    def instructor_names(self, course):
        return ", ".join(user.display_name for user in course.instructors.all())

    @admin.action(description=_("Publish the selected courses"), permissions=["change"])
    def publish_courses(self, request, queryset):
        published, refused = 0, []
        for course in queryset:
            try:
                services.publish(course)
            except services.PublishError as error:
                refused.append(error.message)
            else:
                published += 1
        if published:
            self.message_user(
                request,
                ngettext("%(count)d course published.", "%(count)d courses published.", published)
                % {"count": published},
                messages.SUCCESS,
            )
        for message in refused:
            self.message_user(request, message, messages.ERROR)

    @admin.action(description=_("Move the selected courses back to draft"), permissions=["change"])
    def unpublish_courses(self, request, queryset):
        count = 0
        for course in queryset:
            services.unpublish(course)
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d course moved back to draft.",
                "%(count)d courses moved back to draft.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


# --- Lessons (a flat, searchable list across the user's courses) --------------------------------


@admin.register(Lesson)
class LessonAdmin(TaughtCoursesAdminMixin, nested_admin.NestedModelAdmin):
    form = LessonAdminForm
    formfield_overrides = LESSON_FIELD_OVERRIDES
    inlines = [AttachmentInline, QuizQuestionInline]
    list_display = ["title", "course", "section", "kind", "duration", "is_preview"]
    list_filter = [("course", admin.RelatedOnlyFieldListFilter), "kind", "is_preview"]
    list_select_related = ["course", "section"]
    search_fields = ["title", "slug", "body"]
    prepopulated_fields = {"slug": ["title"]}
    fields = [
        "section",
        ("title", "slug"),
        ("kind", "duration", "is_preview", "pass_mark"),
        "body",
        ("video_url", "video_file"),
        "order",
    ]
    view_on_site = True

    def save_model(self, request, obj, form, change):
        obj.slug = unique_lesson_slug(obj)
        # A lesson moved to another of the user's courses changes two courses' counters.
        obj._previous_course_id = (
            Lesson.objects.filter(pk=obj.pk).values_list("course_id", flat=True).first()
        )
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        lesson = form.instance
        for course in Course.objects.filter(
            pk__in={lesson.course_id, getattr(lesson, "_previous_course_id", None)} - {None}
        ):
            services.refresh_curriculum_counters(course)

    def delete_model(self, request, obj):
        course = obj.course
        super().delete_model(request, obj)
        services.refresh_curriculum_counters(course)

    def delete_queryset(self, request, queryset):
        courses = list(Course.objects.filter(pk__in=queryset.values("course_id")))
        super().delete_queryset(request, queryset)
        for course in courses:
            services.refresh_curriculum_counters(course)


# --- Categories (read-only for instructors unless a superuser grants category permissions) -----


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "order", "course_count"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    list_editable = ["order"]
    search_fields = ["name", "slug", "parent__name"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["parent__name", "order", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_courses=Count("courses"))

    @admin.display(description=_("courses"), ordering="n_courses")
    def course_count(self, category):
        return category.n_courses

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = Category.objects.filter(parent__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
