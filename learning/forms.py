import uuid

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from courses.models import QuizQuestion

from .models import Review

RATING_CHOICES = [(n, f"{n} star{'s' * (n > 1)}") for n in range(1, 6)]


class ReviewForm(forms.ModelForm):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a rating from 1 to 5 stars."),
            "invalid_choice": _("Choose a rating from 1 to 5 stars."),
        },
    )
    text = forms.CharField(
        label=_("Review"),
        max_length=Review._meta.get_field("text").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write a few words about the course.")},
        help_text=_("What did you like? What could be better?"),
    )

    class Meta:
        model = Review
        fields = ["rating", "text"]


class QuizForm(forms.Form):
    """A learner's answers to a quiz: one field a question (named "q<question id>", option ids
    as values: radios for one answer, checkboxes for several) and the form's one-time id.

    The options' correctness never reaches the form: it only knows their ids and texts.
    """

    token = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("This form has expired: reload the page and answer again."),
            "invalid": _("This form has expired: reload the page and answer again."),
        },
    )

    def __init__(self, questions, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4())
        messages = {
            "required": _("Answer this question."),
            "invalid_choice": _("Choose among the answers shown."),
            "invalid_list": _("Choose among the answers shown."),
        }
        for number, question in enumerate(self.questions, 1):
            choices = [(str(option.pk), option.text) for option in question.options.all()]
            if question.kind == QuizQuestion.Kind.MULTIPLE:
                field = forms.TypedMultipleChoiceField(
                    choices=choices, coerce=int, widget=forms.CheckboxSelectMultiple
                )
            else:
                field = forms.TypedChoiceField(
                    choices=choices, coerce=int, widget=forms.RadioSelect
                )
            field.label = _("Question %(number)d") % {"number": number}
            field.error_messages.update(messages)
            self.fields[self.field_name(question)] = field

    @property
    def token_value(self):
        """The form's id to render: the one posted while it is valid, else a new one."""
        if not self.is_bound:
            return self.initial["token"]
        if self.is_valid() or "token" not in self.errors:
            return self.cleaned_data["token"]
        return uuid.uuid4()

    @staticmethod
    def field_name(question) -> str:
        return f"q{question.pk}"

    def clean(self):
        cleaned = super().clean()
        unanswered = [
            str(number)
            for number, question in enumerate(self.questions, 1)
            if self.has_error(self.field_name(question), code="required")
        ]
        if unanswered:
            self.add_error(
                None,
                ngettext(
                    "Answer every question before you submit: question %(numbers)s has no answer.",
                    "Answer every question before you submit: questions %(numbers)s have no "
                    "answer.",
                    len(unanswered),
                )
                % {"numbers": ", ".join(unanswered)},
            )
        return cleaned

    def items(self):
        """(number, question, bound field) in the quiz's order, for the template."""
        return [
            (number, question, self[self.field_name(question)])
            for number, question in enumerate(self.questions, 1)
        ]

    def answers(self) -> dict[int, list[int]]:
        """{question id: chosen option ids} of a valid form."""
        answers = {}
        for question in self.questions:
            value = self.cleaned_data[self.field_name(question)]
            answers[question.pk] = value if isinstance(value, list) else [value]
        return answers
