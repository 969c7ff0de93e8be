"""Search-engine metadata for catalog pages: summaries and JSON-LD."""

import json

from django.conf import settings
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from core.markdown import render_markdown as markdown

from .templatetags.catalog import as_list

# The characters json_script escapes, so the JSON cannot close its <script> element.
JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def course_summary(course, length=160):
    """The subtitle, or the start of the description as plain text (memoised on the course:
    the meta description and the JSON-LD both need it)."""
    text = getattr(course, "_plain_summary", None)
    if text is None:
        text = course.subtitle or strip_tags(markdown(course.description))
        course._plain_summary = text = " ".join(text.split())
    return Truncator(text).chars(length)


def iso_duration(minutes):
    hours, rest = divmod(int(minutes or 0), 60)
    return f"PT{hours}H{rest}M" if hours else f"PT{rest}M"


def course_json_ld(course, request):
    """schema.org Course, safe to place inside <script type="application/ld+json">."""
    absolute = request.build_absolute_uri
    data = {
        "@context": "https://schema.org",
        "@type": "Course",
        "name": course.title,
        "description": course_summary(course, 500),
        "url": absolute(course.get_absolute_url()),
        "inLanguage": course.language,
        "educationalLevel": str(course.get_level_display()),
        "timeRequired": iso_duration(course.total_duration),
        "provider": {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "url": absolute(reverse("home")),
        },
        "instructor": [
            {
                "@type": "Person",
                "name": person.display_name,
                "url": absolute(person.get_absolute_url()),
            }
            for person in course.instructors.all()
        ],
    }
    if course.cover_image:
        data["image"] = absolute(course.cover_image.url)
    if course.category_id:
        data["about"] = course.category.name
    if course.rating_count:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": f"{course.rating_average:.2f}",
            "ratingCount": course.rating_count,
            "bestRating": 5,
            "worstRating": 1,
        }
    if as_list(course.learning_outcomes):
        data["teaches"] = as_list(course.learning_outcomes)
    if as_list(course.requirements):
        data["coursePrerequisites"] = as_list(course.requirements)
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(JSON_ESCAPES))  # noqa: S308
