from allauth.account.signals import email_confirmed
from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from notifications.services import notify

from .models import Profile


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def create_profile_for_new_user(sender, instance, created, raw=False, **kwargs):
    """Every user has a profile from the moment they exist."""
    if created and not raw:
        Profile.objects.get_or_create(user=instance)


@receiver(email_confirmed)
def welcome_after_email_confirmed(sender, request, email_address, **kwargs):
    user = email_address.user
    notify(user=user, kind="welcome", context={"name": user.get_full_name()}, key=f"welcome:{user.pk}")
