"""The kinds of message we send. Each app registers its own kinds in its AppConfig.ready()."""
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# What a crash in the middle of an SMTP call does (README, "How email works"). The row is marked
# "sending" before the call; if the sender dies before it records the result, nobody knows whether the
# server accepted the message. At least once: send it again (same Message-ID, so mail clients that
# deduplicate drop the repeat). At most once: mark it failed with the reason, never send it again.
AT_LEAST_ONCE = "at_least_once"
AT_MOST_ONCE = "at_most_once"


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
    # AT_LEAST_ONCE for what a person must receive (sign-in links, decisions); AT_MOST_ONCE for nudges
    # (reminders, digests): a repeated nudge costs more trust than a missed one, and the next one follows.
    delivery: str = AT_LEAST_ONCE


_KINDS: dict[str, Kind] = {}


def register(name: str, label, template: str, *, security: bool = False, reminder: bool = False,
             delivery: str | None = None) -> Kind:
    """`delivery` defaults to at most once for reminders and at least once for everything else."""
    if delivery is None:
        delivery = AT_MOST_ONCE if reminder else AT_LEAST_ONCE
    if delivery not in (AT_LEAST_ONCE, AT_MOST_ONCE):
        raise ValueError(f"Unknown delivery guarantee {delivery!r}")
    kind = Kind(name=name, label=label, template=template, security=security, reminder=reminder, delivery=delivery)
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
DIGEST = register("digest", _("Daily digest"), "notifications/emails/digest", security=True, delivery=AT_MOST_ONCE)
