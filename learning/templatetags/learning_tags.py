"""Learner state on catalog pages; the catalog (courses app) never imports learning.

Contract used by templates/courses/*:
- {% course_actions course %}   enrol / continue / progress / wishlist box on the course page
- {% course_reviews course %}   rating distribution, reviews and the learner's review form
- {% wishlist_toggle course %}  heart button on course cards (constant queries per page)
- {% course_questions course %} the latest questions, for enrolled learners and instructors only
                                (anonymous pages are cached whole: they show none)
- {% quiz_best lesson %}        an enrolled learner's best score on a quiz lesson of the curriculum
                                (the course's scores read once per request)

The signed-in user's enrolled and wishlisted course ids are read once per request and kept on
the request, so a page of N cards costs the same two queries whatever N is.
"""

from django import template
from django.db.models import Count, Window

from learning import quizzes, services
from learning.forms import ReviewForm
from learning.models import (
    Certificate,
    Enrollment,
    LessonProgress,
    Question,
    Review,
    WishlistItem,
    percent,
)

register = template.Library()

REVIEWS_SHOWN = 20
QUESTIONS_SHOWN = 3


class LearnerState:
    """Lazy per-request sets of course ids (one query each, on first use)."""

    def __init__(self, user):
        self.user = user
        self._enrolled = None
        self._wishlisted = None

    @property
    def enrolled(self):
        if self._enrolled is None:
            self._enrolled = set()
            if self.user.is_authenticated:
                self._enrolled = set(
                    Enrollment.objects.filter(user=self.user).values_list("course_id", flat=True)
                )
        return self._enrolled

    @property
    def wishlisted(self):
        if self._wishlisted is None:
            self._wishlisted = set()
            if self.user.is_authenticated:
                self._wishlisted = set(
                    WishlistItem.objects.filter(user=self.user).values_list("course_id", flat=True)
                )
        return self._wishlisted


def _quiz_results(request, course_id):
    """{quiz lesson id: QuizResult} of the signed-in learner in this course, once per request."""
    cache = request.__dict__.setdefault("_quiz_results", {})
    if course_id not in cache:
        cache[course_id] = {}
        if course_id in learner_state(request).enrolled:
            cache[course_id] = quizzes.results_in_courses(request.user, [course_id])
    return cache[course_id]


def learner_state(request):
    state = getattr(request, "_learner_state", None)
    if state is None or state.user is not request.user:
        state = LearnerState(request.user)
        request._learner_state = state
    return state


def _request_of(context):
    request = context.get("request")
    if request is None or not hasattr(request, "user"):
        return None
    return request


@register.inclusion_tag("learning/tags/wishlist_toggle.html", takes_context=True)
def wishlist_toggle(context, course, compact=True):
    request = _request_of(context)
    state = learner_state(request) if request else None
    signed_in = bool(request and request.user.is_authenticated)
    return {
        "course": course,
        "request": request,
        "signed_in": signed_in,
        "enrolled": signed_in and course.pk in state.enrolled,
        "wishlisted": signed_in and course.pk in state.wishlisted,
        "compact": compact,
        "next": request.get_full_path() if request else course.get_absolute_url(),
    }


@register.inclusion_tag("learning/tags/quiz_best.html", takes_context=True)
def quiz_best(context, lesson):
    request = _request_of(context)
    if request is None or not request.user.is_authenticated:
        return {"result": None}
    return {"result": _quiz_results(request, lesson.course_id).get(lesson.pk)}


@register.inclusion_tag("learning/tags/course_actions.html", takes_context=True)
def course_actions(context, course):
    request = _request_of(context)
    user = request.user if request else None
    signed_in = bool(user and user.is_authenticated)
    enrollment = certificate = None
    lessons_done = 0
    teaches = False
    if signed_in:
        # The per-request id set is shared with the cards on the same page.
        if course.pk in learner_state(request).enrolled:
            enrollment = Enrollment.objects.filter(user=user, course=course).first()
        if enrollment:
            lessons_done = LessonProgress.objects.filter(user=user, course=course).count()
            certificate = Certificate.objects.filter(user=user, course=course).first()
        else:
            teaches = services.teaches(user, course)
    lessons_total = course.lesson_count
    return {
        "course": course,
        "request": request,
        "signed_in": signed_in,
        "teaches": teaches,
        "enrollment": enrollment,
        "certificate": certificate,
        "lessons_done": lessons_done,
        "lessons_total": lessons_total,
        "progress": percent(lessons_done, lessons_total),
        "is_published": course.is_published,
        "median_days": services.median_days_to_complete(course),
    }


@register.inclusion_tag("learning/tags/course_reviews.html", takes_context=True)
def course_reviews(context, course):
    request = _request_of(context)
    user = request.user if request else None
    signed_in = bool(user and user.is_authenticated)
    can_review = signed_in and services.may_review(
        user, course, enrolled=course.pk in learner_state(request).enrolled
    )
    own_review = Review.objects.filter(user=user, course=course).first() if can_review else None
    return {
        "course": course,
        "request": request,
        "signed_in": signed_in,
        **_reviews(course),
        "own_review": own_review,
        "can_review": can_review,
        "form": ReviewForm(instance=own_review) if can_review else None,
    }


@register.inclusion_tag("learning/tags/course_questions.html", takes_context=True)
def course_questions(context, course):
    request = _request_of(context)
    user = request.user if request else None
    if not (user and user.is_authenticated):
        return {"member": False}
    teaches = services.teaches(user, course)
    if not (teaches or course.pk in learner_state(request).enrolled):
        return {"member": False}
    questions = Question.objects.filter(course=course)
    if not teaches:
        questions = questions.visible_to_learners()
    # The latest few and how many there are, in one query (a window count sees past the LIMIT).
    latest = list(
        questions.for_list().annotate(total=Window(Count("id"))).in_list_order()[:QUESTIONS_SHOWN]
    )
    return {
        "member": True,
        "course": course,
        "count": latest[0].total if latest else 0,
        "questions": latest,
    }


def _reviews(course) -> dict:
    """The rating distribution and the latest reviews."""
    counts = dict(
        Review.objects.filter(course=course)
        .order_by()
        .values("rating")
        .annotate(n=Count("id"))
        .values_list("rating", "n")
    )
    total = sum(counts.values())
    distribution = [
        {
            "stars": stars,
            "count": counts.get(stars, 0),
            "percent": percent(counts.get(stars, 0), total),
        }
        for stars in range(5, 0, -1)
    ]
    reviews = list(
        Review.objects.filter(course=course)
        .select_related("user")
        .only(
            "id", "rating", "text", "progress_percent", "created", "updated", "user_id",
            "user__name", "user__username", "user__email", "user__avatar",
        )[:REVIEWS_SHOWN]
    )  # fmt: skip
    return {"total": total, "distribution": distribution, "reviews": reviews}


@register.filter
def review_progress(value):
    """A review's stored progress as words: "completed the course" / "after 40%"."""
    try:
        value = int(value)
    except (TypeError, ValueError):
        return ""
    if value >= 100:
        return "completed the course"
    return f"after {value}% of the course"


@register.filter
def days_label(days):
    """1.4 → "about 1 day", 12.6 → "about 13 days", 0.2 → "less than a day"."""
    if days is None:
        return ""
    if days < 1:
        return "less than a day"
    whole = round(days)
    return f"about {whole} day{'s' if whole != 1 else ''}"
