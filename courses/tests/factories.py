import factory
from django.utils import timezone
from django.utils.text import slugify

from courses.models import (
    Attachment,
    Category,
    Course,
    CourseInstructor,
    Lesson,
    QuizOption,
    QuizQuestion,
    Section,
)
from users.tests.factories import InstructorFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    description = "Courses about things worth knowing."


class CourseFactory(factory.django.DjangoModelFactory):
    """A published course with one instructor (status=Course.Status.DRAFT for a draft)."""

    class Meta:
        model = Course
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Course number {n}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    subtitle = "A practical introduction"
    description = "Learn **useful** things.\n\n- one\n- two"
    category = factory.SubFactory(CategoryFactory)
    level = Course.Level.BEGINNER
    language = "en"
    status = Course.Status.PUBLISHED
    published_at = factory.LazyAttribute(
        lambda o: (
            timezone.now() - timezone.timedelta(days=1)
            if o.status == Course.Status.PUBLISHED
            else None
        )
    )
    learning_outcomes = factory.LazyFunction(lambda: ["Build a thing", "Ship the thing"])
    requirements = factory.LazyFunction(lambda: ["A computer"])

    @factory.post_generation
    def instructors(self, create, extracted, **kwargs):
        """CourseFactory(instructors=[a, b]); by default one new instructor."""
        if not create:
            return
        for order, user in enumerate(extracted if extracted is not None else [InstructorFactory()]):
            CourseInstructor.objects.create(course=self, user=user, order=order)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Section {n}")
    order = factory.Sequence(lambda n: n)


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    section = factory.SubFactory(SectionFactory)
    title = factory.Sequence(lambda n: f"Lesson {n}")
    slug = factory.Sequence(lambda n: f"lesson-{n}")
    order = factory.Sequence(lambda n: n)
    kind = Lesson.Kind.TEXT
    body = "Some **Markdown** text."
    duration = 10


class QuizQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuizQuestion

    lesson = factory.SubFactory(LessonFactory, kind=Lesson.Kind.QUIZ)
    text = factory.Sequence(lambda n: f"Which answer is right in question {n}?")
    kind = QuizQuestion.Kind.SINGLE
    explanation = "Because the **lesson** says so."
    order = factory.Sequence(lambda n: n)


class QuizOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuizOption

    question = factory.SubFactory(QuizQuestionFactory)
    text = factory.Sequence(lambda n: f"Answer {n}")
    is_correct = False
    order = factory.Sequence(lambda n: n)


def add_quiz(section, *, title="Check your understanding", questions=3, pass_mark=70, **kwargs):
    """A quiz lesson at the end of `section`: `questions` one-answer questions, each with three
    options of which the first is correct ("Right n" / "Wrong n-a" / "Wrong n-b")."""
    lesson = LessonFactory(
        section=section,
        title=title,
        slug=kwargs.pop("slug", None) or slugify(title),
        kind=Lesson.Kind.QUIZ,
        body="Answer the questions below.",
        pass_mark=pass_mark,
        order=kwargs.pop("order", 100),
        **kwargs,
    )
    for n in range(1, questions + 1):
        question = QuizQuestionFactory(
            lesson=lesson, text=f"Question {n}: which is right?", order=n,
            explanation=f"Explanation {n}: the right one is right.",
        )  # fmt: skip
        QuizOptionFactory(question=question, text=f"Right {n}", is_correct=True, order=0)
        QuizOptionFactory(question=question, text=f"Wrong {n}-a", order=1)
        QuizOptionFactory(question=question, text=f"Wrong {n}-b", order=2)
    return lesson


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attachment

    lesson = factory.SubFactory(LessonFactory)
    title = "Slides"
    file = factory.django.FileField(filename="slides.pdf", data=b"%PDF-1.4 demo")


def course_with_lessons(*, sections=2, lessons_per_section=2, **course_kwargs):
    """A published course with sections and lessons; the first lesson is a free preview.

    Counters (lesson_count, total_duration) are refreshed the way the studio does it.
    """
    from courses.services import refresh_curriculum_counters

    course = CourseFactory(**course_kwargs)
    for s in range(sections):
        section = SectionFactory(course=course, order=s)
        for i in range(lessons_per_section):
            LessonFactory(section=section, order=i, is_preview=(s == 0 and i == 0))
    refresh_curriculum_counters(course)
    course.refresh_from_db()
    return course
