from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Lower
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from core.uploads import ValidatedImageField

INSTRUCTORS_GROUP = "Instructors"

username_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9_-]*\Z",
    _("Use lowercase letters, digits, hyphens and underscores only."),
)


class UserQuerySet(models.QuerySet):
    def instructors(self):
        return self.filter(groups__name=INSTRUCTORS_GROUP, is_staff=True, is_active=True)


class EmailUserManager(UserManager.from_queryset(UserQuerySet)):
    """Users log in with their email address; the public username is made up when missing."""

    use_in_migrations = True

    def _create_user(self, username, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(
            email=self.normalize_email(email), username=username or "", **extra_fields
        )
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(extra_fields.pop("username", ""), email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(extra_fields.pop("username", ""), email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)

    @classmethod
    def normalize_email(cls, email):
        return (email or "").strip().lower()


class User(AbstractUser):
    username = models.CharField(
        _("username"),
        max_length=40,
        unique=True,
        validators=[username_validator],
        help_text=_("Used in your public profile address."),
        error_messages={"unique": _("That username is taken.")},
    )
    email = models.EmailField(_("email address"), max_length=254, unique=True)
    name = models.CharField(_("display name"), max_length=120, blank=True)
    headline = models.CharField(_("headline"), max_length=160, blank=True)
    bio = models.TextField(_("bio"), max_length=4000, blank=True)
    avatar = ValidatedImageField(
        _("avatar"), upload_to="avatars/", blank=True, max_size=(512, 512), max_pixels=12_000_000
    )
    # Which emails the user wants (users.emails.Kind; the profile and unsubscribe links set them).
    email_answers = models.BooleanField(_("answers to my questions"), default=True)
    email_announcements = models.BooleanField(_("announcements in my courses"), default=True)
    email_new_lessons = models.BooleanField(
        _("new lessons in my courses (at most one digest a day)"), default=True
    )
    email_certificates = models.BooleanField(_("my certificates"), default=True)
    # AbstractUser's first/last name are replaced by one display name.
    first_name = None
    last_name = None

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = EmailUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="users_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return self.name or self.username or self.email.split("@")[0]

    def get_full_name(self):
        return self.display_name

    def get_short_name(self):
        return self.display_name

    @property
    def is_instructor(self):
        return self.is_staff and any(g.name == INSTRUCTORS_GROUP for g in self.groups.all())

    def clean(self):
        super().clean()
        self.email = EmailUserManager.normalize_email(self.email)

    def save(self, *args, **kwargs):
        self.email = EmailUserManager.normalize_email(self.email)
        if self.username:
            return super().save(*args, **kwargs)
        # A made-up username can be taken by a concurrent signup between check and insert.
        for attempt in range(5):
            self.username = self._unique_username()
            try:
                with transaction.atomic():
                    return super().save(*args, **kwargs)
            except IntegrityError:
                taken = User.objects.filter(username=self.username).exists()
                if attempt == 4 or not taken:
                    raise
        return None

    def _unique_username(self):
        base = slugify(self.name or self.email.split("@")[0])[:30].strip("-_") or "learner"
        candidate = base
        while User.objects.filter(username=candidate).exclude(pk=self.pk).exists():
            candidate = f"{base}-{get_random_string(4, 'abcdefghijkmnpqrstuvwxyz23456789')}"
        return candidate


def display_name(user) -> str:
    """How allauth names a user in its messages ("Successfully signed in as …")."""
    return user.display_name


class OutgoingEmail(models.Model):
    """What one event says (subject and bodies), sent to each recipient of its deliveries."""

    class Kind(models.TextChoices):
        ANSWERS = "answers", _("answers to my questions")
        ANNOUNCEMENTS = "announcements", _("announcements in my courses")
        NEW_LESSONS = "new_lessons", _("new lessons in my courses")
        CERTIFICATES = "certificates", _("my certificates")
        # Service notices (a post hidden by moderation): always sent, like account emails.
        NOTICES = "notices", _("notices about my posts")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    text_body = models.TextField(_("text"))
    html_body = models.TextField(_("HTML"), blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")

    def __str__(self):
        return self.subject


class EmailDeliveryQuerySet(models.QuerySet):
    def due(self, now):
        """Queued and not held by a worker (or held by one that gave up its lease)."""
        return self.filter(
            models.Q(claimed_until__isnull=True) | models.Q(claimed_until__lt=now),
            status=EmailDelivery.Status.QUEUED,
        )


class EmailDelivery(models.Model):
    """One email to one user: the outbox row a worker claims, sends and marks (users.emails)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        SKIPPED = "skipped", _("skipped (unsubscribed or inactive)")
        FAILED = "failed", _("failed")

    email = models.ForeignKey(OutgoingEmail, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="email_deliveries")
    # The event ("answer:12"): a recipient gets each event once (a database constraint).
    key = models.CharField(_("event"), max_length=120)
    # What repeats are counted by ("question:4"): see users.emails.recently_sent.
    topic = models.CharField(_("topic"), max_length=120, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    created = models.DateTimeField(_("queued"), auto_now_add=True)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    objects = EmailDeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("email delivery")
        verbose_name_plural = _("email deliveries")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="unique_email_event"),
        ]
        indexes = [
            models.Index(
                fields=["created"],
                condition=models.Q(status="queued"),
                name="email_delivery_queued",
            ),
            models.Index(fields=["recipient", "topic", "created"], name="email_delivery_topic"),
        ]

    def __str__(self):
        return f"{self.key} to {self.recipient_id} ({self.status})"
