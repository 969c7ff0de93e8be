from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User


class SignupForm(forms.Form):
    """Extra fields of allauth's signup form (ACCOUNT_SIGNUP_FORM_CLASS)."""

    name = forms.CharField(
        label=_("Display name"),
        max_length=120,
        required=False,
        help_text=_("Shown on your reviews and certificates."),
    )
    field_order = ["name", "email", "password1", "password2"]

    def signup(self, request, user):
        user.name = self.cleaned_data.get("name", "")
        user.save(update_fields=["name"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "username", "headline", "bio", "avatar"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"bio": _("A few sentences about you. Shown on your instructor page.")}


class EmailPreferencesForm(forms.ModelForm):
    """The same switches as the unsubscribe links in the emails."""

    class Meta:
        model = User
        fields = ["email_answers", "email_announcements", "email_new_lessons", "email_certificates"]
