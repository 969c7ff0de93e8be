"""Writes that have no service of their own (studio saves, fixtures, the shell) keep the catalog's
derived data right: the search index, the facet counts (courses.facets) and the cache versions
(core.cache). Services that write with QuerySet.update() do the same explicitly."""

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from core.cache import CATALOG, invalidate

from . import facets
from .models import Attachment, Category, Course, CourseInstructor, Lesson, Section
from .search import add_title_words, update_search_vector

NAME_FIELDS = {"name", "username"}
# What catalog pages show of a person: a change to anything else (a login) changes no page.
SHOWN_USER_FIELDS = {"name", "username", "avatar", "headline", "bio", "is_active"}


# --- courses ----------------------------------------------------------------------------------
@receiver(pre_save, sender=Course, dispatch_uid="course_cells_before")
@receiver(pre_delete, sender=Course, dispatch_uid="course_cells_before_delete")
def course_cells_before(sender, instance, **kwargs):
    instance._cells_before = facets.cells_of([instance.pk]) if instance.pk else set()


@receiver(post_save, sender=Course, dispatch_uid="course_saved")
def course_saved(sender, instance, **kwargs):
    facets.recount_cells(getattr(instance, "_cells_before", set()) | facets.cells_of([instance.pk]))
    update_search_vector([instance.pk])
    if instance.status == Course.Status.PUBLISHED:
        add_title_words([instance.title])
    invalidate(CATALOG)


@receiver(post_delete, sender=Course, dispatch_uid="course_deleted")
def course_deleted(sender, instance, **kwargs):
    facets.recount_cells(getattr(instance, "_cells_before", set()))
    update_search_vector([instance.pk])
    invalidate(CATALOG)


# --- what course pages and cards show besides the course row -----------------------------------
@receiver(post_save, sender=Section, dispatch_uid="section_saved")
@receiver(post_delete, sender=Section, dispatch_uid="section_deleted")
@receiver(post_save, sender=Lesson, dispatch_uid="lesson_saved")
@receiver(post_delete, sender=Lesson, dispatch_uid="lesson_deleted")
@receiver(post_save, sender=Attachment, dispatch_uid="attachment_saved")
@receiver(post_delete, sender=Attachment, dispatch_uid="attachment_deleted")
def curriculum_changed(sender, instance, **kwargs):
    invalidate(CATALOG)


@receiver(post_save, sender=CourseInstructor, dispatch_uid="search_instructor_saved")
@receiver(post_delete, sender=CourseInstructor, dispatch_uid="search_instructor_deleted")
def course_instructor_changed(sender, instance, **kwargs):
    update_search_vector([instance.course_id])
    invalidate(CATALOG)


@receiver(m2m_changed, sender=Course.instructors.through, dispatch_uid="search_instructors_m2m")
def instructors_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear" and reverse:
        # user.courses_taught.clear(): remember which courses lose this instructor.
        instance._search_cleared = list(instance.courses_taught.values_list("pk", flat=True))
    elif action in ("post_add", "post_remove", "post_clear"):
        if not reverse:
            update_search_vector([instance.pk])
        else:
            update_search_vector(pk_set or getattr(instance, "_search_cleared", []))
        invalidate(CATALOG)


@receiver(post_save, sender=Category, dispatch_uid="search_category_saved")
@receiver(post_delete, sender=Category, dispatch_uid="category_deleted")
def category_changed(sender, instance, created=False, **kwargs):
    invalidate(CATALOG)
    if created or kwargs.get("signal") is post_delete:
        return
    ids = Course.objects.filter(
        category__in=[
            instance.pk,
            *Category.objects.filter(parent=instance).values_list("pk", flat=True),
        ]
    ).values_list("pk", flat=True)
    update_search_vector(list(ids))


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="search_user_saved")
def user_changed(sender, instance, created, update_fields=None, **kwargs):
    if created or (update_fields is not None and not SHOWN_USER_FIELDS & set(update_fields)):
        return
    taught = list(Course.objects.filter(instructors=instance).values_list("pk", flat=True))
    if taught and (update_fields is None or NAME_FIELDS & set(update_fields)):
        update_search_vector(taught)
    if taught:
        invalidate(CATALOG)
