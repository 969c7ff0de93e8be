"""Finishing a course: a quiz's answers graded (the result is shown on the lesson page) and the
finish screen (the certificate, or what remains to earn it, and a review prompt)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.models import Lesson

from . import quizzes, services
from .forms import QuizForm, ReviewForm
from .models import Certificate, LessonProgress, Review, percent
from .views import (
    CURRICULUM_ORDER,
    _course_or_404,
    _enrollment,
    _lesson_or_404,
    _render_lesson,
    bad_request,
)


@require_POST
def quiz_submit(request, slug, lesson_slug):
    """Grade a quiz form: the result is shown on the lesson page (?attempt=<id>, its owner's)."""
    course = _course_or_404(request, slug)
    lesson = _lesson_or_404(course, lesson_slug)
    if lesson.kind != Lesson.Kind.QUIZ:
        raise Http404(_("This lesson is not a quiz."))
    if not request.user.is_authenticated:
        return redirect_to_login(lesson.get_absolute_url())
    enrollment = _enrollment(request.user, course)
    if enrollment is None:
        raise PermissionDenied(_("Enrol in the course to take its quizzes."))
    questions = quizzes.questions_of(lesson)
    if not questions:
        return bad_request(request, _("This quiz has no questions yet."))
    form = QuizForm(questions, request.POST)
    if not form.is_valid():
        return _render_lesson(request, course, lesson, enrollment, quiz_form=form, status=400)
    try:
        submission = services.submit_quiz(
            user=request.user,
            lesson=lesson,
            answers=form.answers(),
            token=form.cleaned_data["token"],
        )
    except services.QuizSubmissionError:
        return bad_request(
            request, _("This form was already used: reload the quiz to answer again.")
        )
    completion = submission.completion
    if completion and completion.certificate_issued:
        messages.success(
            request, _("Congratulations, you completed the course! Your certificate is ready.")
        )
    url = lesson.get_absolute_url() + f"?attempt={submission.attempt.pk}#quiz-result"
    return redirect(url)


@login_required
def finish(request, slug):
    """The end of a course: the certificate, or what remains to earn it; a review prompt."""
    course = _course_or_404(request, slug)
    enrollment = _enrollment(request.user, course)
    if enrollment is None:
        messages.info(request, _("Enrol in the course to start learning."))
        return redirect(course.get_absolute_url())
    lessons = list(
        Lesson.objects.filter(course=course)
        .only("id", "slug", "title", "kind", "pass_mark", "course_id")
        .order_by(*CURRICULUM_ORDER)
    )
    for lesson in lessons:
        lesson.course = course  # their URLs need the course's slug: no query
    done = set(
        LessonProgress.objects.filter(user=request.user, course=course).values_list(
            "lesson_id", flat=True
        )
    )
    results = quizzes.results_in_courses(request.user, [course.pk])
    remaining = [
        (lesson, results.get(lesson.pk))
        for lesson in lessons
        if lesson.pk not in done
        or (
            lesson.kind == Lesson.Kind.QUIZ and not getattr(results.get(lesson.pk), "passed", False)
        )
    ]
    certificate = Certificate.objects.filter(user=request.user, course=course).first()
    own_review = Review.objects.filter(user=request.user, course=course).first()
    can_review = services.may_review(request.user, course, enrolled=True)
    return render(
        request,
        "learning/finish.html",
        {
            "course": course,
            "certificate": certificate,
            "remaining": remaining,
            "lessons_done": len(done),
            "lessons_total": len(lessons),
            "quizzes_total": sum(lesson.kind == Lesson.Kind.QUIZ for lesson in lessons),
            "progress": percent(len(done), len(lessons)),
            "can_review": can_review,
            "own_review": own_review,
            "form": ReviewForm(instance=own_review) if can_review else None,
            "review_next": reverse("learning:finish", args=[course.slug]) + "#review",
        },
    )
