"""`{% load markdown %}`: `{{ lesson.body|markdown }}` renders sanitised Markdown."""

from django import template

from core.markdown import render_markdown

register = template.Library()
register.filter("markdown", render_markdown)
