"""The Instructors group authors quiz questions and their options (the studio limits the rows to
their own courses, as for lessons)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

INSTRUCTORS_GROUP = "Instructors"
QUIZZES = [
    f"{action}_{model}"
    for model in ("quizquestion", "quizoption")
    for action in ("view", "add", "change", "delete")
]


def _permissions(apps, alias):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.using(alias).filter(
        content_type__app_label="courses", codename__in=QUIZZES
    )


def grant(apps, schema_editor):
    alias = schema_editor.connection.alias
    # On a fresh database permissions are only created after all migrations ran: make them now.
    app_config = apps.get_app_config("courses")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps, using=alias)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.using(alias).get_or_create(name=INSTRUCTORS_GROUP)
    group.permissions.add(*_permissions(apps, alias))


def revoke(apps, schema_editor):
    alias = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.using(alias).filter(name=INSTRUCTORS_GROUP):
        group.permissions.remove(*_permissions(apps, alias))


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0007_quizzes"),
        ("users", "0002_instructors_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
