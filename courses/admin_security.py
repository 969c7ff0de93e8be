"""Row-level security for the studio: an instructor sees and changes only the courses they teach.

Superusers see everything. Everyone else is limited, in every admin page that reads or writes
rows (changelists, change/delete/history pages, popups, autocomplete, inline formsets and the
choices of foreign keys), to the rows that belong to a course they teach.
"""

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import ModelChoiceField
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from nested_admin.formsets import NestedInlineFormSet

from .models import Attachment, Course, CourseInstructor, Lesson, QuizOption, QuizQuestion, Section

# How each model reaches its course ("" for the course itself).
COURSE_LOOKUPS = {
    Course: "",
    CourseInstructor: "course",
    Section: "course",
    Lesson: "course",
    Attachment: "lesson__course",
    QuizQuestion: "lesson__course",
    QuizOption: "question__lesson__course",
}


def sees_everything(user) -> bool:
    return user.is_active and user.is_superuser


def taught_course_ids(user) -> QuerySet:
    return CourseInstructor.objects.filter(user=user).values("course_id")


def limit_to_taught(queryset: QuerySet, user, lookup: str | None = None) -> QuerySet:
    """The rows of `queryset` that belong to a course `user` teaches (all for superusers)."""
    if sees_everything(user):
        return queryset
    if lookup is None:
        lookup = COURSE_LOOKUPS[queryset.model]
    return queryset.filter(**{f"{lookup}__in" if lookup else "pk__in": taught_course_ids(user)})


def view_on_site(request, content_type_id, object_id):
    """The admin's "view on site" redirect (/admin/r/<type>/<id>/) for rows the user may open.

    Django's own redirects for any row of any model: an instructor walking the ids would learn
    every certificate's UUID, other instructors' drafts and every user's username.
    """
    if not sees_everything(request.user) and not _may_open(request, content_type_id, object_id):
        raise Http404(_("No such item in your courses."))
    return shortcut(request, content_type_id, object_id)


def _may_open(request, content_type_id, object_id) -> bool:
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist:
        return False
    if model is None:  # a content type whose model is gone
        return False
    if model in COURSE_LOOKUPS:
        rows = limit_to_taught(model._default_manager.all(), request.user)
    else:
        try:
            model_admin = admin.site.get_model_admin(model)
        except NotRegistered:
            return False
        if not model_admin.has_view_or_change_permission(request):
            return False
        rows = model_admin.get_queryset(request)
    try:
        return rows.filter(pk=object_id).exists()
    except (ValueError, ValidationError):
        return False


class ScopedForeignKeysMixin:
    """Foreign-key choices (and so what a POST may point at) limited to the user's courses."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if related in COURSE_LOOKUPS and "queryset" not in kwargs:
            kwargs["queryset"] = limit_to_taught(
                related._default_manager.all(), request.user, COURSE_LOOKUPS[related]
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TaughtCoursesAdminMixin(ScopedForeignKeysMixin):
    """For a ModelAdmin: list, open, change, delete and see history of own courses' rows only.

    An object outside the user's courses is a 404 (not the admin's "doesn't exist" redirect),
    whether it is asked for by URL, in a popup or by a forged POST.
    """

    course_lookup: str | None = None

    def get_queryset(self, request):
        return limit_to_taught(super().get_queryset(request), request.user, self.course_lookup)

    def _refuse_foreign_object(self, request, object_id):
        if (
            object_id
            and not sees_everything(request.user)
            and self.get_object(request, unquote(object_id)) is None
        ):
            raise Http404(_("No such item in your courses."))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        self._refuse_foreign_object(request, object_id)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._refuse_foreign_object(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._refuse_foreign_object(request, object_id)
        return super().history_view(request, object_id, extra_context)


class ScopedInlineFormSet(NestedInlineFormSet):
    """An inline formset that cannot reach rows outside the user's courses.

    django-nested-admin looks rows up by the posted ids across the whole table (so that lessons
    can be dragged between sections); without this a forged id would change or delete another
    instructor's row. `scope` (set per request by ScopedInlineMixin) is what the user may touch.
    """

    scope: QuerySet | None = None

    def get_queryset(self):
        # Kept, like Django's own: every form of the formset reads it (else one query a form).
        if not hasattr(self, "_scoped_queryset"):
            queryset = super().get_queryset()
            if self.scope is not None:
                queryset = queryset.filter(pk__in=self.scope.values("pk"))
            self._scoped_queryset = queryset
        return self._scoped_queryset

    def add_fields(self, form, index):
        super().add_fields(form, index)
        pk_field = form.fields.get(self._pk_field.name)
        if self.scope is not None and isinstance(pk_field, ModelChoiceField):
            pk_field.queryset = self.scope

    def clean(self):
        super().clean()
        if self.scope is None or not self.can_delete:
            return
        for form in self.forms:
            if not self._should_delete_form(form):
                continue
            raw_pk = form.data.get(form.add_prefix(self._pk_field.name))
            if raw_pk and not self._in_scope(raw_pk):
                raise ValidationError(
                    _("You can only delete items of your own courses."), code="foreign_row"
                )

    def _in_scope(self, raw_pk) -> bool:
        try:
            pk = self.model._meta.pk.to_python(raw_pk)
        except ValidationError:
            return False
        return self.scope.filter(pk=pk).exists()

    def delete_existing(self, obj, commit=True):
        # Defence in depth: clean() already refused foreign rows.
        if self.scope is not None and not self.scope.filter(pk=obj.pk).exists():
            raise ValidationError(_("You can only delete items of your own courses."))
        super().delete_existing(obj, commit=commit)


class ScopedInlineMixin(ScopedForeignKeysMixin):
    """For a (nested) inline: its rows, its posted ids and its choices stay in the user's courses."""

    formset = ScopedInlineFormSet
    course_lookup: str | None = None

    def get_queryset(self, request):
        # Built once a request for each inline: a long course makes a formset for every lesson.
        scopes = request.__dict__.setdefault("_studio_inline_scopes", {})
        if type(self) not in scopes:
            scopes[type(self)] = limit_to_taught(
                super().get_queryset(request), request.user, self.course_lookup
            )
        return scopes[type(self)].all()

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        scope = None if sees_everything(request.user) else self.get_queryset(request)
        return type(formset.__name__, (formset,), {"scope": scope, "request_user": request.user})
