import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from users.models import INSTRUCTORS_GROUP, User

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    username = factory.Sequence(lambda n: f"person{n}")
    name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """A verified primary EmailAddress, as allauth needs for login (verified=False to skip)."""
        self.save()
        if create and extracted is not False:
            EmailAddress.objects.update_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class InstructorFactory(UserFactory):
    # Instructors' names are in the search index, and search words match as prefixes: a random
    # name ("Webb") would make a search test ("web") flaky.
    name = factory.Sequence(lambda n: f"Instructor {n}")
    is_staff = True
    headline = factory.Faker("job")
    bio = factory.Faker("paragraph")

    @factory.post_generation
    def instructor_group(self, create, extracted, **kwargs):
        if create:
            group, _ = Group.objects.get_or_create(name=INSTRUCTORS_GROUP)
            self.groups.add(group)
