"""The instructor role: staff access plus membership of the "Instructors" group."""

from django.contrib.auth.models import Group
from django.db import transaction

from .models import INSTRUCTORS_GROUP, User

# The model permissions authoring needs (kept in step with users/migrations/0002_* and
# learning/migrations/0005_conversation_permissions, courses/migrations/0008_quiz_permissions,
# learning/migrations/0008_course_insights_permissions).
AUTHORING_PERMISSIONS = [
    *(
        f"courses.{action}_{model}"
        for model in (
            "course",
            "section",
            "lesson",
            "attachment",
            "courseinstructor",
            "quizquestion",
            "quizoption",
        )
        for action in ("view", "add", "change", "delete")
    ),
    "courses.view_category",
    # Read-only views of learner activity on their own courses (rows filtered in the admin).
    *(
        f"learning.view_{model}"
        for model in ("enrollment", "review", "certificate", "wishlistitem")
    ),
    # The course conversation: answer, pin, close and hide; write announcements (own courses).
    *(
        f"learning.{action}_{model}"
        for model in ("question", "unansweredquestion", "answer")
        for action in ("view", "change")
    ),
    *(f"learning.{action}_announcement" for action in ("view", "add", "change", "delete")),
    # Course insights (enrolments, completion, funnel, quizzes, ratings) of their own courses.
    "learning.view_courseinsights",
]


def instructors_group() -> Group:
    group, _ = Group.objects.get_or_create(name=INSTRUCTORS_GROUP)
    return group


@transaction.atomic
def grant_instructor(user: User) -> None:
    """Let the user log in to the studio (is_staff) as a member of the Instructors group."""
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(instructors_group())


@transaction.atomic
def revoke_instructor(user: User) -> None:
    """Take the role back; superusers and other staff roles keep their staff access."""
    user.groups.remove(*Group.objects.filter(name=INSTRUCTORS_GROUP))
    if user.is_staff and not user.is_superuser and not user.groups.exists():
        user.is_staff = False
        user.save(update_fields=["is_staff"])
