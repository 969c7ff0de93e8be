"""The Instructors group may look at the insights of their own courses (the studio limits the
rows; see learning/insights/admin.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

INSTRUCTORS_GROUP = "Instructors"
INSIGHTS = ["view_courseinsights"]


def _permissions(apps, alias):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.using(alias).filter(
        content_type__app_label="learning", codename__in=INSIGHTS
    )


def grant(apps, schema_editor):
    alias = schema_editor.connection.alias
    # On a fresh database permissions are only created after all migrations ran: make them now.
    app_config = apps.get_app_config("learning")
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
        ("learning", "0007_course_insights"),
        ("users", "0002_instructors_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
