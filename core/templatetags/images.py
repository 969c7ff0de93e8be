"""`{% load images %}`: `{{ course.cover_image|rendition:480 }}` gives a small copy's URL."""

from django import template

from core.renditions import rendition_url

register = template.Library()


@register.filter
def rendition(fieldfile, width):
    return rendition_url(fieldfile, int(width))
