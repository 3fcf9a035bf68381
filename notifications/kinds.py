"""The kinds of message we send. Each app registers its own kinds in its AppConfig.ready()."""
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    name: str
    label: str | Promise
    # Template base name: <template>.subject.txt, <template>.txt and <template>.html
    template: str
    # Security mails (sign-in, password) cannot be turned off.
    security: bool = False
    # Reminders wait for the end of the recipient's quiet hours and may be gathered in a daily digest.
    reminder: bool = False


_KINDS: dict[str, Kind] = {}


def register(name: str, label, template: str, *, security: bool = False, reminder: bool = False) -> Kind:
    kind = Kind(name=name, label=label, template=template, security=security, reminder=reminder)
    _KINDS[name] = kind
    return kind


def get(name: str) -> Kind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"Unknown notification kind {name!r}: register it first.") from None


def optional_kinds() -> list[Kind]:
    """The kinds a person may turn off, in a stable order."""
    return sorted((k for k in _KINDS.values() if not k.security), key=lambda k: k.name)


# Mails that allauth writes (verification, password reset...): always sent.
ACCOUNT_SECURITY = register(
    "account_security", _("Sign-in and password emails"), "notifications/emails/prerendered", security=True,
)
WELCOME = register("welcome", _("Welcome and getting started"), "notifications/emails/welcome")
# The daily digest that gathers reminders for people who asked for one email a day.
DIGEST = register("digest", _("Daily digest"), "notifications/emails/digest", security=True)
