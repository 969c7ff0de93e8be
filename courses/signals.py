"""Keep the search index in step with the texts it is built from (see courses.search)."""

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .models import Category, Course, CourseInstructor
from .search import update_search_vector

NAME_FIELDS = {"name", "username"}


@receiver(post_save, sender=Course, dispatch_uid="search_course_saved")
@receiver(post_delete, sender=Course, dispatch_uid="search_course_deleted")
def course_changed(sender, instance, **kwargs):
    update_search_vector([instance.pk])


@receiver(post_save, sender=CourseInstructor, dispatch_uid="search_instructor_saved")
@receiver(post_delete, sender=CourseInstructor, dispatch_uid="search_instructor_deleted")
def course_instructor_changed(sender, instance, **kwargs):
    update_search_vector([instance.course_id])


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


@receiver(post_save, sender=Category, dispatch_uid="search_category_saved")
def category_changed(sender, instance, created, **kwargs):
    if created:
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
    if created or (update_fields is not None and not NAME_FIELDS & set(update_fields)):
        return
    update_search_vector(
        list(Course.objects.filter(instructors=instance).values_list("pk", flat=True))
    )
