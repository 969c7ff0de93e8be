"""Learner pages and actions: thin views over learning.services and the QuerySets."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.cards import render_cards
from courses.models import Course, Lesson, ordered_instructors

from . import quizzes, services
from .conversation.views import lesson_conversation
from .files import serve_private
from .forms import ReviewForm
from .models import Announcement, Certificate, Enrollment, LessonProgress, Review, percent

CURRICULUM_ORDER = ("section__order", "section_id", "order", "id")
ACTIVITY_RESOLUTION = timedelta(minutes=1)
DASHBOARD_ANNOUNCEMENTS = 5


# --- helpers ----------------------------------------------------------------------------------
def _course_or_404(request, slug):
    """A course the visitor may see: published, or a draft they teach (any for superusers)."""
    return get_object_or_404(Course.objects.visible_to(request.user), slug=slug)


def _published_course_or_404(slug):
    return get_object_or_404(Course.objects.published(), slug=slug)


def _lesson_or_404(course, lesson_slug):
    return get_object_or_404(
        Lesson.objects.select_related("section"), course=course, slug=lesson_slug
    )


def _enrollment(user, course):
    if not user.is_authenticated:
        return None
    return Enrollment.objects.filter(user=user, course=course).first()


def _deny_lesson(request, course, lesson, *, enrolled=None):
    """None when the visitor may open the lesson, else the response that sends them away
    (`enrolled`: whether they are, when the caller already knows)."""
    if lesson.is_preview:
        return None
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if enrolled is None:
        enrolled = Enrollment.objects.filter(user=user, course=course).exists()
    if enrolled or services.teaches(user, course):
        return None
    messages.info(request, _("Enrol in the course to open this lesson."))
    return redirect(course.get_absolute_url())


def _safe_next(request, fallback):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def bad_request(request, message):
    """A 400 that says why (an expected refusal: no traceback in the log, unlike BadRequest)."""
    if _wants_json(request):
        return JsonResponse({"error": message}, status=400)
    return render(request, "400.html", {"message": message}, status=400)


# --- pages ------------------------------------------------------------------------------------
@login_required
def dashboard(request):
    user = request.user
    enrollments = list(Enrollment.objects.for_dashboard(user))
    certificates = list(Certificate.objects.filter(user=user).select_related("course"))
    wishlist = render_cards(
        Course.objects.published()
        .for_cards()
        .filter(wishlisted_by__user=user)
        .order_by("-wishlisted_by__created", "-id")
    )
    announcements = list(Announcement.objects.for_learner(user)[:DASHBOARD_ANNOUNCEMENTS])
    certificate_by_course = {c.course_id: c for c in certificates}
    quizzes_by_course = quizzes.quizzes_by_course(user, [e.course_id for e in enrollments])
    for enrollment in enrollments:
        enrollment.certificate = certificate_by_course.get(enrollment.course_id)
        enrollment.quizzes = quizzes_by_course.get(enrollment.course_id, [])
    return render(
        request,
        "learning/dashboard.html",
        {
            "enrollments": enrollments,
            "certificates": certificates,
            "wishlist": wishlist,
            "announcements": announcements,
        },
    )


def resume(request, slug):
    """Go to the first unfinished lesson of the course (the finish screen when all are done)."""
    course = _course_or_404(request, slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not (services.teaches(request.user, course) or _enrollment(request.user, course)):
        messages.info(request, _("Enrol in the course to start learning."))
        return redirect(course.get_absolute_url())
    lessons = list(Lesson.objects.filter(course=course).order_by(*CURRICULUM_ORDER).only("slug"))
    if not lessons:
        messages.info(request, _("This course has no lessons yet."))
        return redirect(course.get_absolute_url())
    done = set(
        LessonProgress.objects.filter(user=request.user, course=course).values_list(
            "lesson_id", flat=True
        )
    )
    target = next((lesson for lesson in lessons if lesson.pk not in done), None)
    if target is None:
        if _enrollment(request.user, course):
            return redirect("learning:finish", slug=course.slug)
        target = lessons[-1]
    return redirect("learning:lesson", slug=course.slug, lesson_slug=target.slug)


def lesson_detail(request, slug, lesson_slug):
    course = _course_or_404(request, slug)
    lesson = _lesson_or_404(course, lesson_slug)
    enrollment = _enrollment(request.user, course)
    denied = _deny_lesson(request, course, lesson, enrolled=enrollment is not None)
    if denied:
        return denied
    attempt = None
    if lesson.kind == Lesson.Kind.QUIZ and "attempt" in request.GET:
        # A result page (after submitting) is its owner's only.
        attempt = quizzes.attempt_of(request.user, lesson, request.GET["attempt"])
        if attempt is None:
            raise Http404(_("No such attempt at this quiz."))
    return _render_lesson(request, course, lesson, enrollment, attempt=attempt)


def _render_lesson(
    request, course, lesson, enrollment, *, quiz_form=None, attempt=None, status=200
):
    curriculum = list(
        Lesson.objects.filter(course=course)
        .select_related("section")
        .only("id", "slug", "title", "duration", "kind", "is_preview", "order", "section")
        .order_by(*CURRICULUM_ORDER)
    )
    done_ids = set()
    if enrollment:
        done_ids = set(
            LessonProgress.objects.filter(user=request.user, course=course).values_list(
                "lesson_id", flat=True
            )
        )
        # "Last activity" is shown to the minute: most views need not write (nor lock SQLite).
        now = timezone.now()
        if enrollment.last_activity_at < now - ACTIVITY_RESOLUTION:
            Enrollment.objects.filter(pk=enrollment.pk).update(last_activity_at=now)
    sections = []
    for item in curriculum:
        if not sections or sections[-1]["section"].pk != item.section_id:
            sections.append({"section": item.section, "lessons": []})
        sections[-1]["lessons"].append(item)
    position = next(i for i, item in enumerate(curriculum) if item.pk == lesson.pk)
    teaches = not enrollment and services.teaches(request.user, course)
    next_lesson = curriculum[position + 1] if position + 1 < len(curriculum) else None
    quiz = None
    if lesson.kind == Lesson.Kind.QUIZ:
        quiz = quizzes.lesson_quiz(
            request.user, lesson, enrolled=bool(enrollment), form=quiz_form, attempt=attempt
        )
    context = {
        "course": course,
        "lesson": lesson,
        "sections": sections,
        "done_ids": done_ids,
        "is_done": lesson.pk in done_ids,
        "enrollment": enrollment,
        "teaches": teaches,
        "progress": percent(len(done_ids), len(curriculum)),
        "previous_lesson": curriculum[position - 1] if position > 0 else None,
        "next_lesson": next_lesson,
        # Where "Complete and continue" leads: the next lesson, or the finish screen.
        "continue_url": (
            reverse("learning:lesson", args=[course.slug, next_lesson.slug])
            if next_lesson
            else reverse("learning:finish", args=[course.slug])
        ),
        "position": position + 1,
        "lesson_total": len(curriculum),
        "attachments": list(lesson.attachments.all()),
        "certificate": enrollment
        and Certificate.objects.filter(user=request.user, course=course).first(),
        "quiz": quiz,
        **lesson_conversation(course, lesson, enrolled=bool(enrollment), teaches=teaches),
    }
    return render(request, "learning/lesson_detail.html", context, status=status)


def certificate_detail(request, uuid):
    certificate = get_object_or_404(
        Certificate.objects.select_related("course").prefetch_related(
            Prefetch("course__instructors", queryset=ordered_instructors())
        ),
        uuid=uuid,
    )
    return render(
        request,
        "learning/certificate_detail.html",
        {
            "certificate": certificate,
            "is_owner": request.user.is_authenticated and request.user.pk == certificate.user_id,
            "quizzes": quizzes.summary(certificate.user, certificate.course),
        },
    )


@login_required
def unenroll(request, slug):
    course = _course_or_404(request, slug)
    if not _enrollment(request.user, course):
        messages.info(request, _("You are not enrolled in this course."))
        return redirect(course.get_absolute_url())
    if request.method == "POST":
        services.unenroll(user=request.user, course=course)
        messages.success(request, _("You left %(title)s.") % {"title": course.title})
        return redirect("learning:dashboard")
    return render(request, "learning/unenroll_confirm.html", {"course": course})


# --- actions (POST only) ----------------------------------------------------------------------
@require_POST
def enroll(request, slug):
    course = _published_course_or_404(slug)
    if not request.user.is_authenticated:
        return redirect_to_login(course.get_absolute_url())
    _enrollment_row, created = services.enroll(user=request.user, course=course)
    if created:
        messages.success(request, _("You are enrolled in %(title)s.") % {"title": course.title})
    else:
        messages.info(
            request, _("You are already enrolled in %(title)s.") % {"title": course.title}
        )
    return redirect("learning:resume", slug=course.slug)


@require_POST
def complete(request, slug, lesson_slug):
    course = _course_or_404(request, slug)
    lesson = _lesson_or_404(course, lesson_slug)
    if not request.user.is_authenticated:
        return redirect_to_login(lesson.get_absolute_url())
    done = {"1": True, "0": False}.get(request.POST.get("done", ""))
    try:
        result = services.set_lesson_complete(user=request.user, lesson=lesson, done=done)
    except Enrollment.DoesNotExist:
        raise PermissionDenied(_("Enrol in the course to track your progress.")) from None
    except services.QuizLessonError:
        return bad_request(request, _("A quiz is completed by passing it: answer its questions."))
    certificate_url = result.certificate.get_absolute_url() if result.certificate else None
    if result.certificate_issued:  # also for the script, which reloads the page to show it
        messages.success(
            request,
            _("Congratulations, you completed the course! Your certificate is ready."),
        )
    if _wants_json(request):
        return JsonResponse(
            {
                "done": result.done,
                "percent": result.percent,
                "lessons_done": result.lessons_done,
                "lessons_total": result.lessons_total,
                "certificate_url": certificate_url,
                "certificate_issued": result.certificate_issued,
            }
        )
    return redirect(_safe_next(request, lesson.get_absolute_url()))


@require_POST
@login_required
def review(request, slug):
    course = _published_course_or_404(slug)
    if not services.may_review(request.user, course):
        if course.is_taught_by(request.user):
            raise PermissionDenied(_("Instructors cannot review their own course."))
        raise PermissionDenied(_("Only learners enrolled in the course can review it."))
    existing = Review.objects.filter(user=request.user, course=course).first()
    form = ReviewForm(request.POST, instance=existing)
    if not form.is_valid():
        return render(
            request, "learning/review_form.html", {"course": course, "form": form}, status=400
        )
    _review_row, created = services.save_review(
        user=request.user,
        course=course,
        rating=form.cleaned_data["rating"],
        text=form.cleaned_data["text"],
    )
    messages.success(request, _("Thanks for your review.") if created else _("Review updated."))
    return redirect(_safe_next(request, course.get_absolute_url() + "#reviews"))


@require_POST
@login_required
def review_delete(request, slug):
    course = _published_course_or_404(slug)
    if services.delete_review(user=request.user, course=course):
        messages.success(request, _("Your review was deleted."))
    return redirect(course.get_absolute_url() + "#reviews")


@require_POST
def wishlist(request, slug):
    course = _published_course_or_404(slug)
    back = _safe_next(request, course.get_absolute_url())
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    added = services.toggle_wishlist(user=request.user, course=course)
    if _wants_json(request):
        return JsonResponse({"wishlisted": added})
    if added:
        messages.success(request, _("Added %(title)s to your wishlist.") % {"title": course.title})
    else:
        messages.info(request, _("Removed %(title)s from your wishlist.") % {"title": course.title})
    return redirect(back)


# --- protected files --------------------------------------------------------------------------
def attachment(request, slug, lesson_slug, pk):
    course = _course_or_404(request, slug)
    lesson = _lesson_or_404(course, lesson_slug)
    denied = _deny_lesson(request, course, lesson)
    if denied:
        return denied
    item = get_object_or_404(lesson.attachments, pk=pk)
    return serve_private(request, item.file, as_attachment=True)


def lesson_video(request, slug, lesson_slug):
    course = _course_or_404(request, slug)
    lesson = _lesson_or_404(course, lesson_slug)
    denied = _deny_lesson(request, course, lesson)
    if denied:
        return denied
    if not lesson.video_file:
        raise Http404(_("This lesson has no uploaded video."))
    return serve_private(request, lesson.video_file, as_attachment=False)
