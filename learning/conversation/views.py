"""Course Q&A and announcements pages: enrolled learners, the course's instructors and superusers
read and post; everyone else gets a 404 (or the login page when signed out)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.models import Course, Lesson

from . import services
from .forms import AnswerForm, QuestionForm
from .models import Announcement, Answer, Question

QUESTIONS_PER_PAGE = 20
ANSWERS_PER_PAGE = 50
ANNOUNCEMENTS_PER_PAGE = 10
LESSON_QUESTIONS_SHOWN = 5
SHOWS = {"all", "unanswered", "mine"}


# --- helpers ----------------------------------------------------------------------------------
def _member_course(request, slug) -> Course:
    course = get_object_or_404(
        Course.objects.visible_to(request.user).with_instructors(), slug=slug
    )
    if not services.is_member(request.user, course):
        raise Http404(_("Only learners enrolled in the course can see its questions."))
    return course


def _questions_of(course, *, teaches: bool):
    questions = Question.objects.filter(course=course)
    return questions if teaches else questions.visible_to_learners()


def _question_or_404(request, slug, pk) -> Question:
    course = _member_course(request, slug)
    questions = _questions_of(course, teaches=services.teaches(request.user, course))
    question = get_object_or_404(questions.select_related("lesson", "author"), pk=pk)
    question.course = course
    return question


def _answer_or_404(request, slug, pk) -> Answer:
    course = _member_course(request, slug)
    answer = get_object_or_404(
        Answer.objects.select_related("question"), pk=pk, question__course=course
    )
    answer.question.course = course
    if not services.teaches(request.user, course) and (
        answer.is_hidden or answer.question.is_hidden
    ):
        raise Http404(_("No such answer."))
    return answer


def _lessons(course):
    return list(
        Lesson.objects.filter(course=course)
        .only("id", "slug", "title")
        .order_by("section__order", "section_id", "order", "id")
    )


def _page(request, queryset, per_page):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def _page_context(page):
    return {
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
    }


def _refusal(request, error, target):
    messages.error(request, error.message)
    return redirect(target)


# --- lists and threads ------------------------------------------------------------------------
@login_required
def question_list(request, slug):
    course = _member_course(request, slug)
    user = request.user
    lessons = _lessons(course)
    teaches = services.teaches(user, course)
    questions = _questions_of(course, teaches=teaches)
    lesson = next((item for item in lessons if item.slug == request.GET.get("lesson")), None)
    if lesson:
        questions = questions.filter(lesson=lesson)
    show = request.GET.get("show") if request.GET.get("show") in SHOWS else "all"
    if show == "unanswered":
        questions = questions.filter(is_answered=False)
    elif show == "mine":
        questions = questions.filter(author=user)
    page = _page(request, questions.for_list().in_list_order(), QUESTIONS_PER_PAGE)
    query = "".join(
        f"{name}={value}&" for name, value in (("lesson", lesson and lesson.slug), ("show", show))
        if value and value != "all"
    )  # fmt: skip
    return render(
        request,
        "learning/questions/question_list.html",
        {
            "course": course,
            "lessons": lessons,
            "lesson": lesson,
            "show": show,
            "questions": page.object_list,
            "teaches": teaches,
            "ask_form": QuestionForm(lessons=lessons, initial={"lesson": lesson and lesson.slug}),
            "query_without_page": query,
            **_page_context(page),
        },
    )


@login_required
def question_detail(request, slug, pk, answer_form=None, status=200):
    question = _question_or_404(request, slug, pk)
    course, user = question.course, request.user
    teaches = services.teaches(user, course)
    answers = Answer.objects.filter(question=question).select_related("author")
    if not teaches:
        answers = answers.filter(is_hidden=False)
    page = _page(request, answers.order_by("-is_accepted", "created", "id"), ANSWERS_PER_PAGE)
    for answer in page.object_list:
        answer.editable = services.may_edit(user, answer)
    context = {
        "course": course,
        "question": question,
        "author": question.author,
        "answers": page.object_list,
        "teaches": teaches,
        "is_asker": question.author_id == user.pk,
        "question_editable": services.may_edit(user, question),
        "answer_form": answer_form or AnswerForm(),
        "edit_minutes": int(services.EDIT_WINDOW.total_seconds() // 60),
        "query_without_page": "",
        **_page_context(page),
    }
    return render(request, "learning/questions/question_detail.html", context, status=status)


# --- asking and answering ---------------------------------------------------------------------
@login_required
def ask(request, slug):
    course = _member_course(request, slug)
    lessons = _lessons(course)
    form = QuestionForm(
        request.POST or None, lessons=lessons, initial={"lesson": request.GET.get("lesson")}
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                question = services.ask(
                    user=request.user, lesson=data["lesson"], title=data["title"], body=data["body"]
                )
            except services.RateLimited as error:
                form.add_error(None, error.message)
                status = 429
            else:
                messages.success(request, _("Your question is posted."))
                return redirect("learning:question", slug=course.slug, pk=question.pk)
    return render(
        request,
        "learning/questions/question_form.html",
        {"course": course, "form": form, "editing": None},
        status=status,
    )


@login_required
def question_edit(request, slug, pk):
    question = _question_or_404(request, slug, pk)
    if not services.may_edit(request.user, question):
        raise PermissionDenied(_("You can only edit your own question, for 30 minutes."))
    initial = {"title": question.title, "body": question.body}
    form = QuestionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_question(user=request.user, question=question, **form.cleaned_data)
        except services.Refused as error:
            return _refusal(request, error, question.get_absolute_url())
        messages.success(request, _("Your question was updated."))
        return redirect(question.get_absolute_url())
    return render(
        request,
        "learning/questions/question_form.html",
        {"course": question.course, "form": form, "editing": question},
        status=400 if form.is_bound else 200,
    )


@require_POST
@login_required
def question_delete(request, slug, pk):
    question = _question_or_404(request, slug, pk)
    try:
        services.delete_question(user=request.user, question=question)
    except services.Refused as error:
        return _refusal(request, error, question.get_absolute_url())
    messages.success(request, _("Your question was deleted."))
    return redirect("learning:questions", slug=slug)


MODERATION = {
    "pin": {"pinned": True},
    "unpin": {"pinned": False},
    "close": {"closed": True},
    "reopen": {"closed": False},
    "hide": {"hidden": True},
    "unhide": {"hidden": False},
}


@require_POST
@login_required
def question_moderate(request, slug, pk):
    question = _question_or_404(request, slug, pk)
    change = MODERATION.get(request.POST.get("action", ""))
    if change is None:
        messages.error(request, _("Unknown action."))
        return redirect(question.get_absolute_url())
    services.moderate_question(user=request.user, question=question, **change)
    messages.success(request, _("The question was updated."))
    return redirect(question.get_absolute_url())


@require_POST
@login_required
def answer_create(request, slug, pk):
    question = _question_or_404(request, slug, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return question_detail(request, slug, pk, answer_form=form, status=400)
    try:
        services.answer(user=request.user, question=question, body=form.cleaned_data["body"])
    except services.RateLimited as error:
        form.add_error(None, error.message)
        return question_detail(request, slug, pk, answer_form=form, status=429)
    except services.Refused as error:
        return _refusal(request, error, question.get_absolute_url())
    messages.success(request, _("Your answer is posted."))
    return redirect(question.get_absolute_url() + "#answers")


@login_required
def answer_edit(request, slug, pk):
    answer = _answer_or_404(request, slug, pk)
    if not services.may_edit(request.user, answer):
        raise PermissionDenied(_("You can only edit your own answer, for 30 minutes."))
    form = AnswerForm(request.POST or None, initial={"body": answer.body})
    target = answer.question.get_absolute_url() + f"#answer-{answer.pk}"
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_answer(user=request.user, answer=answer, body=form.cleaned_data["body"])
        except services.Refused as error:
            return _refusal(request, error, target)
        messages.success(request, _("Your answer was updated."))
        return redirect(target)
    return render(
        request,
        "learning/questions/answer_form.html",
        {"course": answer.question.course, "form": form, "answer": answer},
        status=400 if form.is_bound else 200,
    )


@require_POST
@login_required
def answer_delete(request, slug, pk):
    answer = _answer_or_404(request, slug, pk)
    target = answer.question.get_absolute_url()
    try:
        services.delete_answer(user=request.user, answer=answer)
    except services.Refused as error:
        return _refusal(request, error, target)
    messages.success(request, _("Your answer was deleted."))
    return redirect(target + "#answers")


@require_POST
@login_required
def answer_accept(request, slug, pk):
    answer = _answer_or_404(request, slug, pk)
    target = answer.question.get_absolute_url() + f"#answer-{answer.pk}"
    try:
        accepted = services.toggle_accepted(user=request.user, answer=answer)
    except services.Refused as error:
        return _refusal(request, error, target)
    messages.success(
        request, _("Marked as the answer.") if accepted else _("No longer marked as the answer.")
    )
    return redirect(target)


@require_POST
@login_required
def answer_moderate(request, slug, pk):
    answer = _answer_or_404(request, slug, pk)
    hidden = {"hide": True, "unhide": False}.get(request.POST.get("action", ""))
    if hidden is None:
        messages.error(request, _("Unknown action."))
    else:
        services.moderate_answer(user=request.user, answer=answer, hidden=hidden)
        messages.success(request, _("The answer was updated."))
    return redirect(answer.question.get_absolute_url() + f"#answer-{answer.pk}")


# --- announcements ----------------------------------------------------------------------------
@login_required
def announcement_list(request, slug):
    course = _member_course(request, slug)
    announcements = Announcement.objects.filter(course=course).select_related("author")
    page = _page(request, announcements.order_by("-created", "-id"), ANNOUNCEMENTS_PER_PAGE)
    return render(
        request,
        "learning/questions/announcement_list.html",
        {
            "course": course,
            "announcements": page.object_list,
            "teaches": services.teaches(request.user, course),
            "query_without_page": "",
            **_page_context(page),
        },
    )


# --- what the lesson page shows ---------------------------------------------------------------
def lesson_conversation(course, lesson, *, enrolled: bool, teaches: bool) -> dict:
    """The lesson's latest questions, an ask form and the course's latest announcements
    (two queries; nothing for visitors who are neither enrolled nor teaching)."""
    if not (enrolled or teaches):
        return {}
    questions = _questions_of(course, teaches=teaches).filter(lesson=lesson)
    return {
        "conversation": True,
        "lesson_questions": list(
            questions.for_list().in_list_order()[: LESSON_QUESTIONS_SHOWN + 1]
        ),
        "lesson_questions_shown": LESSON_QUESTIONS_SHOWN,
        "ask_form": QuestionForm(lessons=[lesson], initial={"lesson": lesson.slug}),
        "latest_announcements": list(
            Announcement.objects.filter(course=course).order_by("-created", "-id")[:2]
        ),
    }
