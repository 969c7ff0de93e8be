"""Catalog search (placeholder: full-text search comes next)."""

from django.db.models import Q


def matching(courses, q):
    if not q:
        return courses
    return courses.filter(Q(title__icontains=q) | Q(subtitle__icontains=q))


def by_relevance(courses, q):
    return courses.order_by("-enrollment_count", "-id")
