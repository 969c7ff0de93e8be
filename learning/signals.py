"""Writes without a service of their own (the admin, the shell) keep course pages current."""

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.cache import course_version, invalidate

from .models import Review

# What a review shows of its author.
SHOWN_USER_FIELDS = {"name", "username", "avatar", "is_active"}


@receiver(post_save, sender=Review, dispatch_uid="review_saved")
@receiver(post_delete, sender=Review, dispatch_uid="review_deleted")
def review_changed(sender, instance, **kwargs):
    invalidate(course_version(instance.course.slug))


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="reviewer_renamed")
def reviewer_changed(sender, instance, created, update_fields=None, **kwargs):
    if created or (update_fields is not None and not SHOWN_USER_FIELDS & set(update_fields)):
        return
    slugs = Review.objects.filter(user=instance).values_list("course__slug", flat=True)
    invalidate(*(course_version(slug) for slug in slugs))
