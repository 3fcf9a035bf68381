"""Writes for accounts: profiles and skill suggestions."""
from django.db import transaction
from django.utils.text import slugify

from .models import Profile, Skill


def skill_suggest(*, user, name: str) -> Skill:
    """Find a skill by name (any case) or create it as a suggestion for admins to approve."""
    name = " ".join(name.split())[:80]
    existing = Skill.objects.filter(name__iexact=name).first()
    if existing is not None:
        return existing
    base = slugify(name)[:80] or "skill"
    slug, n = base, 1
    while Skill.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return Skill.objects.create(name=name, slug=slug, approved=False, suggested_by=user)


@transaction.atomic
def profile_update(*, profile: Profile, form) -> Profile:
    """Save the profile form, the email language and any suggested skills, in one transaction."""
    profile = form.save()
    user = profile.user
    language = form.cleaned_data.get("email_language", "")
    if language != user.language:
        user.language = language
        user.save(update_fields=["language"])
    for name in form.cleaned_data.get("suggested_skills", []):
        profile.skills.add(skill_suggest(user=user, name=name))
    return profile
