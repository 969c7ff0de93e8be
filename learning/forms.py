from django import forms
from django.utils.translation import gettext_lazy as _

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
