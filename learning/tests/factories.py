import factory

from courses.tests.factories import CourseFactory, LessonFactory
from learning.models import (
    Announcement,
    Answer,
    Certificate,
    Enrollment,
    LessonProgress,
    Question,
    Review,
    WishlistItem,
)
from users.tests.factories import UserFactory


class EnrollmentFactory(factory.django.DjangoModelFactory):
    """A bare row: use learning.services.enroll in tests about counters."""

    class Meta:
        model = Enrollment

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseFactory)


class LessonProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LessonProgress

    user = factory.SubFactory(UserFactory)
    lesson = factory.SubFactory(LessonFactory)
    course = factory.LazyAttribute(lambda o: o.lesson.course)


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseFactory)
    rating = 5
    text = "Clear, practical and well paced."


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certificate

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseFactory)
    learner_name = factory.LazyAttribute(lambda o: o.user.display_name)
    course_title = factory.LazyAttribute(lambda o: o.course.title)


class WishlistItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WishlistItem

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseFactory)


class QuestionFactory(factory.django.DjangoModelFactory):
    """A bare row: use learning.conversation.services in tests about rules and emails."""

    class Meta:
        model = Question

    lesson = factory.SubFactory(LessonFactory)
    course = factory.LazyAttribute(lambda o: o.lesson.course)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"How does step {n} work?")
    body = "I tried the example and got **stuck**."


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    question = factory.SubFactory(QuestionFactory)
    author = factory.SubFactory(UserFactory)
    body = "Try it with the `--verbose` flag."


class AnnouncementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Announcement

    course = factory.SubFactory(CourseFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Announcement {n}")
    body = "A new **exercise** is up."
