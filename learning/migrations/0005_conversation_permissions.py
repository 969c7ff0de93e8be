"""The Instructors group may answer, pin, close and hide questions and write announcements of
their own courses (the studio limits the rows; see learning/conversation/admin.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

INSTRUCTORS_GROUP = "Instructors"
CONVERSATION = [
    "view_question", "change_question",
    "view_unansweredquestion", "change_unansweredquestion",
    "view_answer", "change_answer",
    "view_announcement", "add_announcement", "change_announcement", "delete_announcement",
]  # fmt: skip


def grant(apps, schema_editor):
    alias = schema_editor.connection.alias
    # On a fresh database permissions are only created after all migrations ran: make them now.
    app_config = apps.get_app_config("learning")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps, using=alias)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(alias).get_or_create(name=INSTRUCTORS_GROUP)
    group.permissions.add(
        *Permission.objects.using(alias).filter(
            content_type__app_label="learning", codename__in=CONVERSATION
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    alias = schema_editor.connection.alias
    for group in Group.objects.using(alias).filter(name=INSTRUCTORS_GROUP):
        group.permissions.remove(
            *Permission.objects.using(alias).filter(
                content_type__app_label="learning", codename__in=CONVERSATION
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0004_conversation"),
        ("users", "0002_instructors_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
