"""Forms of the studio: course and lesson forms, the co-instructor formset."""

from django import forms
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from . import services
from .admin_security import ScopedInlineFormSet, sees_everything
from .models import Course, CourseInstructor, Lesson

MARKDOWN_HELP = _(
    "Markdown: **bold**, _italic_, `code`, [links](https://example.com), lists "
    "starting with “- ”, headings starting with “## ”. HTML is removed."
)


def valid_initial(model, initial: dict) -> dict:
    """The initial values of an add page (from its query string, ?category=3) without those its
    foreign keys cannot hold: an autocomplete widget looks its value up, and "abc" was a 500."""
    kept = {}
    for name, value in initial.items():
        field = next((f for f in model._meta.concrete_fields if f.name == name), None)
        if field is not None and field.is_relation:
            target = field.target_field
            try:
                for item in value if isinstance(value, list) else [value]:
                    target.run_validators(target.to_python(item))
            except ValidationError:
                continue
        kept[name] = value
    return kept


class LinesField(forms.CharField):
    """A list of short strings edited as one line per item."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


def unique_lesson_slug(lesson: Lesson) -> str:
    """The lesson's slug (from its title when empty), suffixed if its course already uses it."""
    base = (lesson.slug or slugify(lesson.title) or "lesson")[:200]
    taken = set(
        Lesson.objects.filter(course_id=lesson.section.course_id, slug__startswith=base)
        .exclude(pk=lesson.pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


class ProtectedFile:
    """What the file widget shows of a stored file: its name, linked to `url`."""

    def __init__(self, name, url):
        self.name, self.url = name, url

    def __str__(self):
        return self.name.rsplit("/", 1)[-1]


class ProtectedFileInput(AdminFileWidget):
    """Links the current file to the view that checks access: private storage has no public URL.

    `url_method` names the model method that gives that view's URL.
    """

    def __init__(self, attrs=None, *, url_method):
        super().__init__(attrs)
        self.url_method = url_method

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if context["widget"]["is_initial"]:
            url = getattr(value.instance, self.url_method)()
            context["widget"]["value"] = ProtectedFile(value.name, url)
        return context


# --- Forms --------------------------------------------------------------------------------------


class CourseAdminForm(forms.ModelForm):
    learning_outcomes = LinesField(
        label=_("What you will learn"), required=False, help_text=_("One outcome per line.")
    )
    requirements = LinesField(
        label=_("Requirements"), required=False, help_text=_("One requirement per line.")
    )

    class Meta:
        model = Course
        fields = [
            "title", "slug", "subtitle", "category", "level", "language", "cover_image",
            "description", "learning_outcomes", "requirements", "status",
        ]  # fmt: skip
        help_texts = {"description": MARKDOWN_HELP}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Course.Status.PUBLISHED and not self.errors:
            course = self.instance
            draft = Course(
                title=cleaned.get("title", ""),
                description=cleaned.get("description", ""),
                cover_image=cleaned.get("cover_image", course.cover_image),
            )
            lessons = course.lessons.count() if course.pk else 0
            problems = services.publication_problems(draft, lesson_count=lessons)
            if course.pk and self.initial.get("status") == Course.Status.PUBLISHED:
                # Already published: refuse only what this edit makes worse.
                before = Course.objects.get(pk=course.pk)
                known = set(services.publication_problems(before, lesson_count=lessons))
                problems = [p for p in problems if p not in known]
            if problems:
                error = services.publication_error(draft, problems)
                if not lessons:
                    error = ValidationError(
                        _("%(error)s Save the course as a draft with its lessons first.")
                        % {"error": error.message}
                    )
                self.add_error("status", error)
        return cleaned


class LessonAdminForm(forms.ModelForm):
    class Meta:
        model = Lesson
        fields = [
            "section", "title", "slug", "kind", "duration", "is_preview", "body",
            "video_url", "video_file", "order",
        ]  # fmt: skip
        help_texts = {"body": MARKDOWN_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _("Made from the title when left empty.")

    def clean(self):
        cleaned = super().clean()
        slug = cleaned.get("slug") or slugify(cleaned.get("title") or "")[:200]
        if "slug" in self.fields and slug:
            cleaned["slug"] = slug
        section = cleaned.get("section") or getattr(self.instance, "section", None)
        if "slug" in self.fields and slug and "section" in self.fields and section:
            # The course is not a form field, so the database constraint is checked here.
            clash = Lesson.objects.filter(course_id=section.course_id, slug=slug)
            if clash.exclude(pk=self.instance.pk).exists():
                self.add_error("slug", _("Another lesson of this course already uses this slug."))
        return cleaned


class CourseInstructorFormSet(ScopedInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept_forms = sorted(
            (
                form
                for form in self.forms
                if form.cleaned_data.get("user") and not self._should_delete_form(form)
            ),
            key=lambda form: form.cleaned_data.get("order") or 0,
        )
        kept = [form.cleaned_data["user"] for form in kept_forms]
        if self.instance.pk and not kept:
            raise ValidationError(_("A course needs at least one instructor."))
        user = self.request_user
        if not self.instance.pk or sees_everything(user):
            return
        if user not in kept:
            raise ValidationError(
                _("You cannot remove yourself from a course; ask a co-instructor or an admin.")
            )
        before = list(
            CourseInstructor.objects.filter(course=self.instance).values_list("user_id", flat=True)
        )
        if before and before[0] != user.pk:  # a co-instructor: the lead is someone else
            if set(before) - {person.pk for person in kept}:
                raise ValidationError(
                    _("Only the lead instructor or an admin can remove instructors.")
                )
            if kept[0].pk != before[0]:
                raise ValidationError(
                    _("Only the lead instructor or an admin can change who leads the course.")
                )
