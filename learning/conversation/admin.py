"""The studio's side of the conversation: "Needs an answer", every question (answer, pin, close,
hide) and announcements. Same row-level security as the rest of the studio: an instructor sees
and changes only their own courses' rows. Every write goes through the services (emails,
counters), never a bare save."""

import nested_admin
from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.markdown import render_markdown
from courses.admin_security import ScopedInlineMixin, TaughtCoursesAdminMixin, sees_everything

from . import services
from .forms import MARKDOWN_HELP, AnnouncementForm
from .models import BODY_MAX, Announcement, Answer, Question, UnansweredQuestion


class QuestionStudioForm(forms.ModelForm):
    answer = forms.CharField(
        label=_("Your answer"),
        required=False,
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=MARKDOWN_HELP + " " + _("The learner who asked is emailed."),
    )

    class Meta:
        model = Question
        fields = ["is_pinned", "is_closed", "is_hidden"]


class AnswerInline(ScopedInlineMixin, nested_admin.NestedTabularInline):
    model = Answer
    course_lookup = "question__course"
    fields = ["written_by", "text", "created", "is_accepted", "is_hidden"]
    readonly_fields = ["written_by", "text", "created", "is_accepted"]
    extra = 0
    can_delete = False
    verbose_name_plural = _("answers (tick “hidden” to hide one; its author is told)")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("by"))
    def written_by(self, answer):
        badge = _(" (course team)") if answer.by_instructor else ""
        return f"{answer.author.display_name}{badge}"

    @admin.display(description=_("answer"))
    def text(self, answer):
        return render_markdown(answer.body)


class QuestionAdmin(TaughtCoursesAdminMixin, nested_admin.NestedModelAdmin):
    form = QuestionStudioForm
    inlines = [AnswerInline]
    course_lookup = "course"
    list_display = ["title", "course", "lesson", "asked_by", "answer_count", "status", "created"]
    list_filter = [("course", admin.RelatedOnlyFieldListFilter), "is_answered", "is_closed",
                   "is_hidden", "is_pinned"]  # fmt: skip
    list_select_related = ["course", "lesson", "author"]
    search_fields = ["title", "body"]
    date_hierarchy = "created"
    ordering = ["-created", "-id"]
    actions = ["close_questions", "hide_questions"]
    view_on_site = True
    readonly_fields = ["course", "lesson", "asked_by", "created", "title", "question_text"]
    fieldsets = [
        (
            None,
            {"fields": [("course", "lesson"), ("asked_by", "created"), "title", "question_text"]},
        ),
        (_("Answer"), {"fields": ["answer"]}),
        (_("Moderation"), {"fields": [("is_pinned", "is_closed", "is_hidden")]}),
    ]

    @admin.display(description=_("asked by"), ordering="author__name")
    def asked_by(self, question):
        return question.author.display_name

    @admin.display(description=_("question"))
    def question_text(self, question):
        return render_markdown(question.body) or "—"

    @admin.display(description=_("status"))
    def status(self, question):
        labels = [
            (question.is_hidden, _("hidden")),
            (question.is_closed, _("closed")),
            (question.is_pinned, _("pinned")),
            (question.is_answered, _("answered")),
            (not question.is_answered, _("needs an answer")),
        ]
        return " · ".join(str(label) for shown, label in labels if shown)

    def has_add_permission(self, request):
        return False  # questions come from learners

    def has_delete_permission(self, request, obj=None):
        return sees_everything(request.user)  # instructors hide; only superusers delete

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        services.moderate_question(
            user=request.user,
            question=obj,
            pinned=data["is_pinned"],
            closed=data["is_closed"],
            hidden=data["is_hidden"],
        )
        if data.get("answer", "").strip():
            try:
                services.answer(user=request.user, question=obj, body=data["answer"])
            except services.Refused as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(request, _("Your answer is posted."), messages.SUCCESS)

    def save_formset(self, request, form, formset, change):
        # Answers are only hidden or shown here (the admin's history records which).
        formset.new_objects, formset.deleted_objects, formset.changed_objects = [], [], []
        for inline_form in formset.forms:
            if inline_form.instance.pk and "is_hidden" in inline_form.changed_data:
                services.moderate_answer(
                    user=request.user,
                    answer=inline_form.instance,
                    hidden=inline_form.cleaned_data["is_hidden"],
                )
                formset.changed_objects.append((inline_form.instance, ["is_hidden"]))

    @admin.action(description=_("Close the selected questions"), permissions=["change"])
    def close_questions(self, request, queryset):
        self._moderate(request, queryset, closed=True)

    @admin.action(description=_("Hide the selected questions (authors are told)"),
                  permissions=["change"])  # fmt: skip
    def hide_questions(self, request, queryset):
        self._moderate(request, queryset, hidden=True)

    def _moderate(self, request, queryset, **change):
        count = 0
        for question in queryset:
            services.moderate_question(user=request.user, question=question, **change)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d question updated.", "%(count)d questions updated.", count)
            % {"count": count},
            messages.SUCCESS,
        )


admin.site.register(Question, QuestionAdmin)


@admin.register(UnansweredQuestion)
class UnansweredQuestionAdmin(QuestionAdmin):
    """Open questions nobody on the course team has answered yet, the oldest first."""

    list_display = ["title", "course", "lesson", "asked_by", "answer_count", "created"]
    list_filter = [("course", admin.RelatedOnlyFieldListFilter)]
    ordering = ["created", "id"]
    date_hierarchy = None
    actions = ["close_questions", "hide_questions"]

    def get_queryset(self, request):
        return super().get_queryset(request).needing_an_answer()


@admin.register(Announcement)
class AnnouncementAdmin(TaughtCoursesAdminMixin, admin.ModelAdmin):
    form = AnnouncementForm
    course_lookup = "course"
    list_display = ["title", "course", "posted_by", "created", "emails_queued_at"]
    list_filter = [("course", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["course", "author"]
    search_fields = ["title", "body"]
    ordering = ["-created", "-id"]
    view_on_site = True

    @admin.display(description=_("posted by"), ordering="author__name")
    def posted_by(self, announcement):
        return announcement.author.display_name if announcement.author else "—"

    def get_readonly_fields(self, request, obj=None):
        # An announcement stays in the course it was sent to.
        return ["course"] if obj else []

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            services.edit_announcement(
                user=request.user, announcement=obj, title=data["title"], body=data["body"]
            )
        else:
            created = services.announce(
                user=request.user, course=data["course"], title=data["title"], body=data["body"]
            )
            obj.pk = created.pk
            self.message_user(
                request,
                _("Enrolled learners will see it on their dashboard and get it by email."),
                messages.INFO,
            )
