"""The person's login and profile: what we export, and how the account is anonymised.

The User row is kept (anonymised, inactive, without a usable password) so that what others need keeps
its foreign keys: a mentor's evaluations, a review's scores, the statistics.
"""
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.admin.models import LogEntry
from django.utils.translation import gettext as _

from .models import Profile

PROFILE_TEXT_FIELDS = ("display_name", "pronouns", "bio", "country", "career_goals", "github_url", "orcid",
                       "website", "linkedin_url")


def deleted_email(user) -> str:
    return f"deleted-account-{user.pk}@deleted.invalid"


def export_for_user(*, user) -> dict:
    profile = Profile.objects.prefetch_related("languages", "skills", "interests").filter(user=user).first()
    data = {
        "account": {
            "email": user.email, "date_joined": user.date_joined, "language": user.language,
            "last_login": user.last_login,
            "email_addresses": list(EmailAddress.objects.filter(user=user).values("email", "verified", "primary")),
            "linked_logins": list(SocialAccount.objects.filter(user=user).values("provider", "uid")),
        },
    }
    if profile is not None:
        data["profile"] = {
            **{name: getattr(profile, name) for name in PROFILE_TEXT_FIELDS},
            "timezone": profile.timezone, "hours_per_week": profile.hours_per_week,
            "is_mentee": profile.is_mentee, "is_mentor": profile.is_mentor,
            "mentor_capacity": profile.mentor_capacity, "open_to_mentoring": profile.open_to_mentoring,
            "languages": [language.code for language in profile.languages.all()],
            "skills": [skill.name for skill in profile.skills.all()],
            "interests": [skill.name for skill in profile.interests.all()],
        }
    return data


def deletion_plan_for_user(*, user) -> list[str]:
    return [_("Your name, profile, email address and linked logins are erased; you are signed out everywhere.")]


def erase_for_user(*, user) -> dict:
    old_email = user.email
    profile = Profile.objects.filter(user=user).first()
    if profile is not None:
        for name in PROFILE_TEXT_FIELDS:
            setattr(profile, name, "")
        profile.open_to_mentoring = False
        profile.is_mentor = False
        profile.save()
        profile.languages.clear()
        profile.skills.clear()
        profile.interests.clear()
    addresses, _by_model = EmailAddress.objects.filter(user=user).delete()
    logins, _by_model = SocialAccount.objects.filter(user=user).delete()
    # The admin's change log names objects by their str(), which for a user is the email.
    LogEntry.objects.filter(object_repr__icontains=old_email).update(object_repr=deleted_email(user))
    user.email = deleted_email(user)
    user.language = ""
    user.is_active = False
    user.is_staff = False
    user.set_unusable_password()  # also ends every session (the session hash changes)
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    return {"profile": 1 if profile else 0, "email_addresses": addresses, "linked_logins": logins}
