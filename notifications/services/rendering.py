"""Rendering an email in its recipient's language.

The subject and the plain-text part are plain text: rendered without HTML escaping, so O'Brien and
R&D arrive as typed. Only the HTML part escapes. The language decides the words, `<html lang>` and the
Content-Language header.
"""
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone, translation


def content_language(language: str) -> str:
    """A BCP 47 tag for headers and `<html lang>`: "pt-br" -> "pt-BR"."""
    return translation.to_locale(language or settings.LANGUAGE_CODE).replace("_", "-")


def render_plain(template_name: str, context: dict) -> str:
    """A template rendered as plain text: variables are not HTML-escaped (includes and blocks neither)."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def render_message(*, kind, context: dict, language: str, unsubscribe_url: str | None, tz=None):
    """(subject, text, html) in the recipient's language, with dates in their time zone."""
    ctx = {"now": timezone.now(), **context, "site_url": settings.SITE_URL, "unsubscribe_url": unsubscribe_url,
           "html_lang": content_language(language)}
    with translation.override(language), timezone.override(tz or ZoneInfo("UTC")):
        subject = render_plain(f"{kind.template}.subject.txt", ctx).strip()
        text = render_plain(f"{kind.template}.txt", ctx)
        html = get_template(f"{kind.template}.html").render(ctx)
    return " ".join(subject.split()), text, html
