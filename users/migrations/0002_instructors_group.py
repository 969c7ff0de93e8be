"""The "Instructors" group with exactly the model permissions authoring needs."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

INSTRUCTORS_GROUP = "Instructors"

AUTHORING = {
    "courses": [
        *(
            f"{action}_{model}"
            for model in ("course", "section", "lesson", "attachment", "courseinstructor")
            for action in ("view", "add", "change", "delete")
        ),
        "view_category",
    ],
    # Read-only views of learner activity (the admin shows only their own courses' rows).
    "learning": ["view_enrollment", "view_review", "view_certificate", "view_wishlistitem"],
}


def create_group(apps, schema_editor):
    # On a fresh database permissions are only created after all migrations ran: make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps, using=schema_editor.connection.alias)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(schema_editor.connection.alias).get_or_create(
        name=INSTRUCTORS_GROUP
    )
    wanted = [
        Permission.objects.using(schema_editor.connection.alias).get(
            content_type__app_label=app_label, codename=codename
        )
        for app_label, codenames in AUTHORING.items()
        for codename in codenames
    ]
    group.permissions.set(wanted)


def remove_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=INSTRUCTORS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("users", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("courses", "0002_initial"),
        ("learning", "0002_initial"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
