import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from accounts.models import Language, Skill

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        obj.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Skill {n}")
    approved = True


def language(code: str) -> Language:
    return Language.objects.get(code=code)


def make_mentor(*, name="Mentor", skills=(), languages=("en",), tz="UTC", listed=True, capacity=2, **profile_fields):
    user = UserFactory()
    profile = user.profile
    profile.display_name = name
    profile.timezone = tz
    profile.is_mentor = True
    profile.is_mentee = False
    profile.open_to_mentoring = listed
    profile.mentor_capacity = capacity
    for field, value in profile_fields.items():
        setattr(profile, field, value)
    profile.save()
    profile.skills.set(skills)
    profile.languages.set([language(c) for c in languages])
    return user


def make_mentee(*, name="Mentee", interests=(), languages=("en",), tz="UTC", **profile_fields):
    user = UserFactory()
    profile = user.profile
    profile.display_name = name
    profile.timezone = tz
    for field, value in profile_fields.items():
        setattr(profile, field, value)
    profile.save()
    profile.interests.set(interests)
    profile.languages.set([language(c) for c in languages])
    return user
