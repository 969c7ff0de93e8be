"""Writes to the catalog that keep its denormalised counters right."""

from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Course, Lesson


@transaction.atomic
def refresh_curriculum_counters(course: Course) -> None:
    """Recount a course's lessons and total duration (after its curriculum changed)."""
    totals = Lesson.objects.filter(course=course).aggregate(
        lessons=Count("id"), minutes=Coalesce(Sum("duration"), 0)
    )
    Course.objects.filter(pk=course.pk).update(
        lesson_count=totals["lessons"], total_duration=totals["minutes"], updated=timezone.now()
    )
