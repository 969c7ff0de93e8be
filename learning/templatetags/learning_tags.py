"""Learner state on catalog pages; the catalog (courses app) never imports learning.

Contract used by templates/courses/*:
- {% course_actions course %}   enrol / continue / progress / wishlist box on the course page
- {% course_reviews course %}   rating distribution, reviews and the learner's review form
- {% wishlist_toggle course %}  heart button on course cards (constant queries per page)
"""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def course_actions(context, course):
    return ""


@register.simple_tag(takes_context=True)
def course_reviews(context, course):
    return ""


@register.simple_tag(takes_context=True)
def wishlist_toggle(context, course):
    return ""
