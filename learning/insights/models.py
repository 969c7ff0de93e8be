"""Loaded through learning.models: the studio's "Course insights" pages belong to learning,
which owns the learner data they read, while the course itself stays courses'."""

from django.utils.translation import gettext_lazy as _

from courses.models import Course


class CourseInsights(Course):
    """A course seen through its learners' activity (no table of its own)."""

    class Meta:
        proxy = True
        verbose_name = _("course insights")
        verbose_name_plural = _("course insights")
