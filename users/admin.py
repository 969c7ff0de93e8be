from allauth.account.admin import EmailAddressAdmin  # noqa: F401 - registers it, unregistered below
from allauth.account.models import EmailAddress
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import EmailDelivery, User
from .roles import grant_instructor, revoke_instructor


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name")
        field_classes = {}


class EmailAddressInline(admin.TabularInline):
    """A person's addresses on their page (allauth's separate list is not registered: the studio's
    home shows one Accounts box)."""

    model = EmailAddress
    extra = 0
    fields = ["email", "verified", "primary"]


admin.site.unregister(EmailAddress)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [EmailAddressInline]
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = [
        "email",
        "username",
        "name",
        "is_staff",
        "instructor",
        "is_active",
        "date_joined",
    ]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "username", "name"]
    actions = ["make_instructors", "revoke_instructors"]
    fieldsets = (
        (None, {"fields": ("email", "username", "password")}),
        (_("Profile"), {"fields": ("name", "headline", "bio", "avatar")}),
        (
            _("Emails"),
            {
                "fields": (
                    "email_answers",
                    "email_announcements",
                    "email_new_lessons",
                    "email_certificates",
                )
            },
        ),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "name", "usable_password", "password1", "password2"),
            },
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def view_on_site(self, user):
        # Only instructors have a public page.
        return user.get_absolute_url() if user.is_instructor else None

    @admin.display(boolean=True, description=_("instructor"))
    def instructor(self, user):
        return user.is_instructor

    @admin.action(description=_("Make the selected users instructors"), permissions=["change"])
    def make_instructors(self, request, queryset):
        for user in queryset:
            grant_instructor(user)
        count = len(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d user is now an instructor.",
                "%(count)d users are now instructors.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Take the instructor role back"), permissions=["change"])
    def revoke_instructors(self, request, queryset):
        for user in queryset:
            revoke_instructor(user)
        count = len(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d user is no longer an instructor.",
                "%(count)d users are no longer instructors.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    # Co-instructor autocomplete on a course's change form: instructors may look up other
    # instructors (by name or username) there, and nothing else about users.
    @staticmethod
    def _is_coinstructor_lookup(request):
        match = getattr(request, "resolver_match", None)
        return (
            match is not None
            and match.view_name == "admin:autocomplete"
            and request.GET.get("app_label") == "courses"
            and request.GET.get("model_name") == "courseinstructor"
            and request.GET.get("field_name") == "user"
        )

    def has_view_permission(self, request, obj=None):
        if (
            obj is None
            and self._is_coinstructor_lookup(request)
            and request.user.has_perm("courses.change_course")
        ):
            return True
        return super().has_view_permission(request, obj)

    def get_search_fields(self, request):
        if self._is_coinstructor_lookup(request) and not request.user.is_superuser:
            return ["name", "username"]
        return super().get_search_fields(request)

    def get_search_results(self, request, queryset, search_term):
        if self._is_coinstructor_lookup(request):
            queryset = queryset.filter(pk__in=User.objects.instructors().values("pk"))
        return super().get_search_results(request, queryset, search_term)


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(admin.ModelAdmin):
    """The outbox, for operators: what was queued, sent, skipped or failed (read-only)."""

    list_display = ["key", "recipient", "kind", "status", "attempts", "created", "sent_at"]
    list_filter = ["status", "email__kind"]
    list_select_related = ["recipient", "email"]
    search_fields = ["recipient__email", "key", "email__subject"]
    date_hierarchy = "created"

    @admin.display(description=_("kind"), ordering="email__kind")
    def kind(self, delivery):
        return delivery.email.get_kind_display()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
