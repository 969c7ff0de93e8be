import contextlib
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.uploads import ValidatedImageField, safe_filename, without_metadata

from .validators import (
    is_image_attachment,
    validate_attachment,
    validate_video_file,
    validate_video_url,
    video_embed_url,
)

LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("pt", "Português"),
    ("it", "Italiano"),
]


def private_storage():
    """Storage for files that only enrolled learners may download (never a public URL)."""
    return storages["private"]


def attachment_path(instance, filename):
    return f"attachments/{instance.lesson.course_id}/{safe_filename(filename)}"


def lesson_video_path(instance, filename):
    return f"videos/{instance.course_id}/{safe_filename(filename)}"


# The columns catalog filters read, carried in the sort indexes (see Course.Meta.indexes).
FILTERED = ["category", "level", "language", "total_duration", "rating_average"]
# Length bands (minutes, from inclusive, to exclusive) and rating bands (from inclusive): the
# catalog's "Length" and "Rating" facets, and the bands of CatalogCell.
DURATION_BANDS = ((0, 120), (120, 360), (360, 1020), (1020, None))
RATING_BANDS = (Decimal(0), Decimal(3), Decimal("3.5"), Decimal(4), Decimal("4.5"))


def duration_band(minutes: int) -> int:
    return max(i for i, (low, _high) in enumerate(DURATION_BANDS) if minutes >= low)


def rating_band(average) -> int:
    return max(i for i, low in enumerate(RATING_BANDS) if Decimal(average) >= low)


# Columns a course card never shows (long texts and the search document).
CARD_DEFERRED = ("description", "learning_outcomes", "requirements", "search_vector")


class CategoryManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Category(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent category"),
    )
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = CategoryManager()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="category_not_own_parent"
            ),
        ]

    def __str__(self):
        return f"{self.parent.name} › {self.name}" if self.parent_id and self.parent else self.name

    def get_absolute_url(self):
        return reverse("courses:category", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        if self.parent_id and (self.parent.parent_id or self.parent_id == self.pk):
            raise ValidationError({"parent": _("Categories nest two levels deep at most.")})


def ordered_instructors():
    """Users as a course lists its instructors (in their order), with what pages show of them;
    for `Prefetch("instructors" or "course__instructors", queryset=ordered_instructors())`."""
    from users.models import User

    return User.objects.only("id", "username", "name", "email", "avatar", "headline").order_by(
        "courseinstructor__order", "courseinstructor__id"
    )


class CourseQuerySet(models.QuerySet):
    def published(self):
        """What learners see in the catalog (a published course always has published_at)."""
        return self.filter(status=Course.Status.PUBLISHED)

    def taught_by(self, user):
        return self.filter(instructors=user)

    def visible_to(self, user):
        """Published courses, plus drafts the user teaches (all drafts for staff)."""
        if user.is_authenticated and user.is_superuser:
            return self.all()
        if user.is_authenticated and user.is_staff:
            return self.filter(Q(status=Course.Status.PUBLISHED) | Q(instructors=user)).distinct()
        return self.published()

    def with_instructors(self):
        return self.prefetch_related(Prefetch("instructors", queryset=ordered_instructors()))

    def for_cards(self):
        """Everything a course card renders, in a fixed number of queries (and none of the long
        columns it does not: description, outcomes, requirements, search document)."""
        return (
            self.defer(*CARD_DEFERRED)
            .select_related("category", "category__parent")
            .with_instructors()
        )


class Course(models.Model):
    class Level(models.TextChoices):
        BEGINNER = "beginner", _("Beginner")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")
        ALL = "all", _("All levels")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    subtitle = models.CharField(_("subtitle"), max_length=250, blank=True)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("Markdown: **bold**, _italic_, lists, links, code."),
    )
    cover_image = ValidatedImageField(
        _("cover image"), upload_to="covers/", blank=True, max_size=(1280, 720)
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="courses", verbose_name=_("category")
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.ALL)
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGES, default="en")
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="CourseInstructor",
        related_name="courses_taught",
        verbose_name=_("instructors"),
    )
    learning_outcomes = models.JSONField(
        _("what you will learn"), default=list, blank=True, help_text=_("One outcome per line.")
    )
    requirements = models.JSONField(
        _("requirements"), default=list, blank=True, help_text=_("One requirement per line.")
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    # Denormalised counters, kept right by courses.services and learning.services.
    lesson_count = models.PositiveIntegerField(_("lessons"), default=0, editable=False)
    total_duration = models.PositiveIntegerField(
        _("total duration (minutes)"), default=0, editable=False
    )
    enrollment_count = models.PositiveIntegerField(_("enrolments"), default=0, editable=False)
    rating_average = models.DecimalField(
        _("average rating"), max_digits=3, decimal_places=2, default=0, editable=False
    )
    rating_count = models.PositiveIntegerField(_("ratings"), default=0, editable=False)
    # Full-text document on PostgreSQL (GIN-indexed by migration 0003), kept by courses.search.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating_average__gte=0, rating_average__lte=5),
                name="course_rating_average_range",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="course_published_has_date",
            ),
        ]
        indexes = [
            # A page of the catalog is read in the order of its sort from one of these,
            # checking the filters on the index entries themselves: no sort, no table rows.
            models.Index(
                fields=["status", "-enrollment_count", "-rating_average", "-id", *FILTERED],
                name="course_sort_popular",
            ),
            models.Index(
                fields=["status", "-rating_average", "-rating_count", "-id", *FILTERED[:-1]],
                name="course_sort_rating",
            ),
            models.Index(
                fields=["status", "-published_at", "-id", *FILTERED], name="course_sort_newest"
            ),
            models.Index(fields=["status", "title", "id", *FILTERED], name="course_sort_title"),
            # A category page and related courses: one category's courses, most popular first.
            models.Index(
                fields=["category", "status", "-enrollment_count", "-rating_average", "-id"],
                name="course_category_popular",
            ),
            # Search results joined by id: what filters, facets and sorts read, without the row.
            models.Index(
                fields=["id", "status", *FILTERED, "enrollment_count", "rating_count"],
                name="course_catalog_row",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("courses:detail", kwargs={"slug": self.slug})

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    def is_taught_by(self, user):
        """Whether the user is one of the course's instructors (from the prefetched
        instructors when the course was read with them: no query)."""
        if not user.is_authenticated:
            return False
        if "instructors" in getattr(self, "_prefetched_objects_cache", {}):
            return any(person.pk == user.pk for person in self.instructors.all())
        return self.instructors.filter(pk=user.pk).exists()


def public_instructors():
    """Who has a public instructor page: active users with the instructor role, or who teach a
    published course."""
    from users.models import User

    teaches = Course.objects.published().filter(instructors=models.OuterRef("pk"))
    return User.objects.filter(is_active=True).filter(
        models.Exists(teaches) | Q(pk__in=User.objects.instructors().values("pk"))
    )


class TitleWord(models.Model):
    """A word of a course title: what "Did you mean …?" offers when a search finds nothing.
    Words are added as titles are saved; `manage.py rebuild_catalog` drops the ones no title
    has any more."""

    word = models.CharField(max_length=60, primary_key=True)

    class Meta:
        verbose_name = _("title word")

    def __str__(self):
        return self.word


class CourseInstructor(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("instructor")
        verbose_name_plural = _("instructors")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "user"], name="unique_course_instructor")
        ]

    def __str__(self):
        return f"{self.user} – {self.course}"


class CatalogCell(models.Model):
    """How many published courses share one combination of facet values.

    The catalog's totals and facet counts are sums over these rows: a few thousand at most,
    whatever the size of the catalog, instead of counts over the course table. Every write that
    changes a course's facet values recounts its cells (courses.facets.recount_cells), in the
    same transaction; `manage.py rebuild_catalog` rebuilds them all.
    """

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=20)
    language = models.CharField(max_length=8)
    duration_band = models.PositiveSmallIntegerField()
    rating_band = models.PositiveSmallIntegerField()
    courses = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("catalog cell")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "level", "language", "duration_band", "rating_band"],
                name="unique_catalog_cell",
            )
        ]

    def __str__(self):
        return f"{self.category_id}/{self.level}/{self.language}/{self.duration_band}/{self.rating_band}: {self.courses}"


class Section(models.Model):
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="sections", verbose_name=_("course")
    )
    title = models.CharField(_("title"), max_length=200)
    order = models.PositiveIntegerField(_("order"), default=0, db_index=True)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["order", "id"]
        indexes = [models.Index(fields=["course", "order"], name="section_course_order")]

    def __str__(self):
        return self.title


class Lesson(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        VIDEO = "video", _("Video")
        FILE = "file", _("File")
        QUIZ = "quiz", _("Quiz")

    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("section")
    )
    # Copied from the section so that a slug can be unique within its course in the database.
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="lessons", editable=False
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220)
    order = models.PositiveIntegerField(_("order"), default=0, db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    body = models.TextField(_("body"), blank=True, help_text=_("Markdown."))
    video_url = models.URLField(
        _("video URL"),
        blank=True,
        validators=[validate_video_url],
        help_text=_("YouTube or Vimeo link; shown as a privacy-friendly embed."),
    )
    video_file = models.FileField(
        _("video file"),
        upload_to=lesson_video_path,
        storage=private_storage,
        blank=True,
        validators=[validate_video_file],
        help_text=_("MP4 or WebM."),
    )
    duration = models.PositiveIntegerField(_("duration (minutes)"), default=0)
    is_preview = models.BooleanField(
        _("free preview"), default=False, help_text=_("Anyone can watch it without enrolling.")
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=70,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Quizzes only: the score a learner needs to pass."),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="unique_lesson_slug_in_course"),
            models.CheckConstraint(
                condition=Q(duration__lte=100_000), name="lesson_duration_range"
            ),
            models.CheckConstraint(
                condition=Q(pass_mark__gte=1, pass_mark__lte=100), name="lesson_pass_mark_range"
            ),
        ]
        indexes = [models.Index(fields=["section", "order"], name="lesson_section_order")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.section_id:
            self.course_id = self.section.course_id
        super().save(*args, **kwargs)

    def clean(self):
        if self.kind == self.Kind.VIDEO and not (self.video_url or self.video_file):
            raise ValidationError(
                {"video_url": _("A video lesson needs a video link or an uploaded video file.")}
            )

    @property
    def video_embed_url(self):
        return video_embed_url(self.video_url)

    @property
    def video_site(self):
        """Who hosts the linked video ("YouTube" or "Vimeo"), for an "open it there" link."""
        embed = self.video_embed_url or ""
        return "Vimeo" if embed.startswith("https://player.vimeo.com/") else "YouTube"


class QuizQuestion(models.Model):
    """A question of a quiz lesson; its options say which answers are correct."""

    class Kind(models.TextChoices):
        SINGLE = "single", _("One answer")
        MULTIPLE = "multiple", _("Several answers")

    lesson = models.ForeignKey(
        Lesson, on_delete=models.CASCADE, related_name="quiz_questions", verbose_name=_("lesson")
    )
    text = models.TextField(_("question"), max_length=5000, help_text=_("Markdown."))
    kind = models.CharField(_("answers"), max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    explanation = models.TextField(
        _("explanation"),
        max_length=5000,
        blank=True,
        help_text=_("Markdown. Shown after answering."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("quiz question")
        verbose_name_plural = _("quiz questions")
        ordering = ["order", "id"]
        indexes = [models.Index(fields=["lesson", "order"], name="quizquestion_lesson_order")]

    def __str__(self):
        return self.text[:80]


class QuizOption(models.Model):
    question = models.ForeignKey(
        QuizQuestion, on_delete=models.CASCADE, related_name="options", verbose_name=_("question")
    )
    text = models.CharField(_("answer"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")
        ordering = ["order", "id"]
        indexes = [models.Index(fields=["question", "order"], name="quizoption_question_order")]

    def __str__(self):
        return self.text


class Attachment(models.Model):
    lesson = models.ForeignKey(
        Lesson, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("lesson")
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"),
        upload_to=attachment_path,
        storage=private_storage,
        validators=[validate_attachment],
        max_length=255,
    )
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["title", "id"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.file and not self.file._committed and is_image_attachment(self.file.name):
            # A new image: stored without its metadata (a photo's GPS position, its camera).
            self.file = without_metadata(self.file.file)
        if self.file:
            with contextlib.suppress(OSError):
                self.size = self.file.size
        super().save(*args, **kwargs)
