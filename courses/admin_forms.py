"""Forms of the studio: course and lesson forms, the co-instructor formset."""

from django import forms
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import ValidationError
from django.forms.formsets import DELETION_FIELD_NAME, TOTAL_FORM_COUNT
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from . import services
from .admin_security import ScopedInlineFormSet, sees_everything
from .models import Course, CourseInstructor, Lesson, QuizQuestion

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
            "section", "title", "slug", "kind", "duration", "is_preview", "pass_mark", "body",
            "video_url", "video_file", "order",
        ]  # fmt: skip
        help_texts = {
            "body": MARKDOWN_HELP,
            "kind": _(
                "A quiz's questions are added below it (save once after making a lesson a quiz)."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _("Made from the title when left empty.")
        if "pass_mark" in self.fields:
            # Quizzes only: a form that does not send it keeps the default.
            self.fields["pass_mark"].required = False

    def clean(self):
        cleaned = super().clean()
        slug = cleaned.get("slug") or slugify(cleaned.get("title") or "")[:200]
        if "slug" in self.fields and slug:
            cleaned["slug"] = slug
        if "pass_mark" in self.fields and cleaned.get("pass_mark") is None:
            cleaned["pass_mark"] = (
                self.instance.pass_mark or Lesson._meta.get_field("pass_mark").default
            )
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


# --- Quizzes (nested under a lesson: questions, and their answer options) ------------------------


def _marked_for_deletion(form) -> bool:
    """Whether the posted data deletes this form's row (read raw: it may not be cleaned yet)."""
    field = form.fields.get(DELETION_FIELD_NAME)
    if field is None:
        return False
    return bool(
        field.widget.value_from_datadict(
            form.data, form.files, form.add_prefix(DELETION_FIELD_NAME)
        )
    )


def _goes_away(form) -> bool:
    """Whether this form, or a form it is nested in (lesson, section), is being deleted."""
    while form is not None:
        if _marked_for_deletion(form):
            return True
        form = getattr(getattr(form, "parent_formset", None), "parent_form", None)
    return False


def _cleaned(form, name, default=None):
    """A value of `form` as cleaned (the form is cleaned first if it was not)."""
    if form is None:
        return default
    if not hasattr(form, "cleaned_data"):
        form.full_clean()
    return getattr(form, "cleaned_data", {}).get(name, default)


class QuizFormSetMixin:
    """A nested quiz formset whose management form was not posted at all (a client that does not
    know about quizzes) leaves its rows as they are instead of failing the whole course's save."""

    def management_posted(self) -> bool:
        return self.add_prefix(TOTAL_FORM_COUNT) in self.data

    def full_clean(self):
        super().full_clean()
        if self.is_bound and not self.management_posted():
            kept = [
                error
                for error in self._non_form_errors.as_data()
                if error.code != "missing_management_form"
            ]
            self._non_form_errors = self.error_class(
                kept, error_class="nonform", renderer=self.renderer
            )

    def kept_forms(self):
        """The forms whose rows remain after the save (existing or filled in, not deleted)."""
        return [
            form
            for form in self.forms
            if not self._should_delete_form(form) and (form.instance.pk or form.has_changed())
        ]


class QuizQuestionFormSet(QuizFormSetMixin, ScopedInlineFormSet):
    """A quiz lesson of a published course (or one being published) needs a question."""

    def clean(self):
        super().clean()
        lesson_form = getattr(self, "parent_form", None)
        lesson = self.instance
        if _cleaned(lesson_form, "kind", lesson.kind) != Lesson.Kind.QUIZ:
            return
        if any(self.errors) or _goes_away(lesson_form):
            return
        if self.management_posted():
            questions = len(self.kept_forms())
        else:
            questions = lesson.quiz_questions.count() if lesson.pk else 0
        if questions or not self._course_will_be_published(lesson):
            return
        raise ValidationError(
            _(
                "“%(title)s” is a quiz without questions: add at least one question, or keep "
                "the course as a draft."
            )
            % {"title": _cleaned(lesson_form, "title", lesson.title) or _("This lesson")},
            code="quiz_without_questions",
        )

    def _course_will_be_published(self, lesson) -> bool:
        # The course form posts its status beside its curriculum; the lesson form does not.
        if "status" in self.data:
            return self.data.get("status") == Course.Status.PUBLISHED
        section = getattr(lesson, "section", None) if lesson.section_id else None
        return section is not None and section.course.status == Course.Status.PUBLISHED


class QuizOptionFormSet(QuizFormSetMixin, ScopedInlineFormSet):
    """A question offers at least two answers and has a correct one (exactly one when the
    learner picks one answer)."""

    def clean(self):
        super().clean()
        question_form = getattr(self, "parent_form", None)
        if any(self.errors) or question_form is None or _goes_away(question_form):
            return
        if not (question_form.instance.pk or question_form.has_changed()):
            return  # an empty question row left blank: not saved
        if self.management_posted():
            options = [
                bool(form.cleaned_data.get("is_correct"))
                for form in self.kept_forms()
                if form.cleaned_data.get("text")
            ]
        elif self.instance.pk:
            options = list(self.instance.options.values_list("is_correct", flat=True))
        else:
            options = []
        correct = sum(options)
        if len(options) < 2:
            raise ValidationError(
                _("A question needs at least two answers to choose from."), code="too_few_options"
            )
        if not correct:
            raise ValidationError(
                _("Tick the correct answer: every question needs at least one."),
                code="no_correct_option",
            )
        kind = _cleaned(question_form, "kind", self.instance.kind)
        if kind == QuizQuestion.Kind.SINGLE and correct != 1:
            raise ValidationError(
                _(
                    "A question with one answer has exactly one correct option: untick the "
                    "others, or let learners choose several answers."
                ),
                code="several_correct_options",
            )


class QuizQuestionAdminForm(forms.ModelForm):
    class Meta:
        model = QuizQuestion
        fields = ["text", "kind", "explanation", "order"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "explanation": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "text": MARKDOWN_HELP,
            "explanation": _("Markdown. Shown after the learner submits: why the answer is right."),
        }
