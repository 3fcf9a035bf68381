"""allauth glue: its mails go through our outbox, new users keep the language they signed up in."""
import uuid
from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sites.shortcuts import get_current_site
from django.utils import translation

from notifications.services import notify


def _site_for_email(request):
    """The site as the person reached it: the request's host (its real port), else SITE_URL's; the Sites
    table's domain is whatever the first migration wrote (127.0.0.1:8000)."""
    site = get_current_site(request)
    host = request.get_host() if request is not None else urlsplit(settings.SITE_URL).netloc
    return SimpleNamespace(name=site.name, domain=host or site.domain)


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": _site_for_email(request)}
        ctx.update(context)
        message = self.render_mail(template_prefix, email, ctx)
        html = next((body for body, mime in getattr(message, "alternatives", []) if mime == "text/html"), "")
        user = context.get("user")
        if user is None or not getattr(user, "pk", None):
            user = get_user_model().objects.filter(email__iexact=email).first()
        # Security mails are never deduplicated across requests: each has its own key.
        notify(
            user=user, to_email=email, kind="account_security",
            key=f"account:{template_prefix.rsplit('/', 1)[-1]}:{uuid.uuid4().hex}",
            prerendered=(message.subject, message.body, html),
        )

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        if not user.language:
            user.language = translation.get_language() or settings.LANGUAGE_CODE
        if commit:
            user.save()
        return user


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    pass
