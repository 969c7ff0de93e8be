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


class AvatarInput(forms.ClearableFileInput):
    """The picture as it shows, a button to choose another (previewed before saving) and a
    "Remove picture" switch, instead of Django's "Currently: … Clear" line."""

    template_name = "users/widgets/avatar_input.html"
    clear_checkbox_label = _("Remove picture")

    def __init__(self, attrs=None):
        super().__init__({"accept": "image/jpeg,image/png,image/webp", **(attrs or {})})


class ProfileForm(forms.ModelForm):
    """A person's name and picture; instructors also edit what their public page shows."""

    INSTRUCTOR_FIELDS = ("username", "headline", "bio")

    class Meta:
        model = User
        fields = ["name", "username", "headline", "bio", "avatar"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 5}), "avatar": AvatarInput}
        help_texts = {
            "username": _("Your instructor page's address: /instructors/<username>/."),
            "bio": _("A few sentences about you. Shown on your instructor page."),
            "avatar": _("JPEG, PNG or WebP; shown round, 512 px at most."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.is_instructor:
            # Only instructors have a public page: nothing here would show anywhere else.
            for name in self.INSTRUCTOR_FIELDS:
                del self.fields[name]


class EmailPreferencesForm(forms.ModelForm):
    """The same switches as the unsubscribe links in the emails."""

    class Meta:
        model = User
        fields = ["email_answers", "email_announcements", "email_new_lessons", "email_certificates"]
