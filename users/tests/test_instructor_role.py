"""The instructor role: the Instructors group, make_instructor and the admin action."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from users.models import INSTRUCTORS_GROUP, User
from users.roles import AUTHORING_PERMISSIONS
from users.tests.factories import InstructorFactory, UserFactory

pytestmark = pytest.mark.django_db


def group_permissions():
    group = Group.objects.get(name=INSTRUCTORS_GROUP)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def test_migration_creates_the_instructors_group_with_authoring_permissions():
    assert group_permissions() == set(AUTHORING_PERMISSIONS)


@pytest.mark.parametrize(
    "permission",
    [
        "users.change_user",
        "users.view_user",
        "auth.change_group",
        "auth.view_group",
        "courses.change_category",
        "courses.add_category",
        "courses.delete_category",
        "learning.change_review",
        "learning.delete_enrollment",
    ],
)
def test_instructors_group_lacks_admin_powers(permission):
    assert permission not in group_permissions()


def test_instructor_has_authoring_permissions():
    instructor = InstructorFactory()
    assert instructor.has_perms(["courses.add_course", "courses.change_lesson"])
    assert not instructor.has_perm("courses.change_category")


def test_make_instructor_grants_staff_and_group():
    user = UserFactory(email="new.teacher@example.com")
    call_command("make_instructor", "New.Teacher@example.com", stdout=None)
    user.refresh_from_db()
    assert user.is_staff
    assert user.is_instructor
    assert user in User.objects.instructors()


def test_make_instructor_is_idempotent():
    user = InstructorFactory()
    call_command("make_instructor", user.email)
    user.refresh_from_db()
    assert user.groups.filter(name=INSTRUCTORS_GROUP).count() == 1


def test_make_instructor_revoke_takes_the_role_back():
    user = InstructorFactory()
    call_command("make_instructor", user.email, "--revoke")
    user.refresh_from_db()
    assert not user.is_staff
    assert not user.is_instructor


def test_revoke_keeps_a_superuser_staff():
    admin = UserFactory(is_staff=True, is_superuser=True)
    call_command("make_instructor", admin.email)
    call_command("make_instructor", admin.email, "--revoke")
    admin.refresh_from_db()
    assert admin.is_staff
    assert not admin.groups.filter(name=INSTRUCTORS_GROUP).exists()


def test_make_instructor_unknown_email_is_a_clear_error():
    with pytest.raises(CommandError, match="No user"):
        call_command("make_instructor", "nobody@example.com")


@pytest.fixture
def superuser_client(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_admin_action_makes_users_instructors(superuser_client):
    users = UserFactory.create_batch(2)
    response = superuser_client.post(
        reverse("admin:users_user_changelist"),
        {"action": "make_instructors", "_selected_action": [u.pk for u in users]},
        follow=True,
    )
    assert "2 users are now instructors." in response.text
    for user in users:
        user.refresh_from_db()
        assert user.is_instructor


def test_admin_action_revokes_instructors(superuser_client):
    user = InstructorFactory()
    response = superuser_client.post(
        reverse("admin:users_user_changelist"),
        {"action": "revoke_instructors", "_selected_action": [user.pk]},
        follow=True,
    )
    assert "1 user is no longer an instructor." in response.text
    user.refresh_from_db()
    assert not user.is_staff
    assert not user.is_instructor


def test_instructor_cannot_open_the_user_admin(instructor_client, learner):
    assert instructor_client.get(reverse("admin:users_user_changelist")).status_code == 403
    change = reverse("admin:users_user_change", args=[learner.pk])
    assert instructor_client.get(change).status_code == 403


def test_instructor_cannot_run_the_role_action(instructor_client, learner):
    response = instructor_client.post(
        reverse("admin:users_user_changelist"),
        {"action": "make_instructors", "_selected_action": [learner.pk]},
    )
    assert response.status_code == 403
    learner.refresh_from_db()
    assert not learner.is_staff


def test_instructor_cannot_open_the_group_admin(instructor_client):
    assert instructor_client.get(reverse("admin:auth_group_changelist")).status_code == 403
