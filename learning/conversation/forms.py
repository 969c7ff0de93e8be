from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ANNOUNCEMENT_MAX, BODY_MAX, TITLE_MAX, Announcement

MARKDOWN_HELP = _("Markdown works: **bold**, _italic_, `code`, lists and links.")


class QuestionForm(forms.Form):
    """Ask (with the lesson chosen, or fixed by the lesson page) or edit a question."""

    lesson = forms.ChoiceField(label=_("Lesson"), required=True)
    title = forms.CharField(
        label=_("Your question in one line"),
        max_length=TITLE_MAX,
        error_messages={"required": _("Write your question in one line.")},
    )
    body = forms.CharField(
        label=_("Details (optional)"),
        max_length=BODY_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=MARKDOWN_HELP,
    )

    def __init__(self, *args, lessons=None, **kwargs):
        super().__init__(*args, **kwargs)
        if lessons is None:  # editing: the lesson stays
            del self.fields["lesson"]
        else:
            self.lessons = {lesson.slug: lesson for lesson in lessons}
            self.fields["lesson"].choices = [("", "—")] + [
                (lesson.slug, lesson.title) for lesson in lessons
            ]

    def clean_lesson(self):
        return self.lessons[self.cleaned_data["lesson"]]


class AnswerForm(forms.Form):
    body = forms.CharField(
        label=_("Your answer"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write your answer first.")},
        help_text=MARKDOWN_HELP,
    )


class AnnouncementForm(forms.ModelForm):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    body = forms.CharField(
        label=_("Message"),
        max_length=ANNOUNCEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=Announcement._meta.get_field("body").help_text,
    )

    class Meta:
        model = Announcement
        fields = ["course", "title", "body"]
