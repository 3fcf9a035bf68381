"""Renewal reminders for affiliation and partnership agreements (the notifications core's due-scan)."""
from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from notifications import kinds
from notifications import reminders as due_scan
from notifications.services import Message, notify_many
from programs.dates import cohort_today

from .models import PartnershipTerm
from .rules import RENEWAL_NOTICE_DAYS

AGREEMENT_RENEWAL = kinds.register(
    "agreement_renewal", _("Agreements that come up for renewal"), "programwork/emails/agreement_renewal", reminder=True,
)


@due_scan.register("programwork.agreement_renewal")
def agreement_renewal(*, now) -> int:
    """The program's coordinators and the organization's owner, once per renewal date, when it is near."""
    today = cohort_today(now)
    terms = (
        PartnershipTerm.objects.filter(renews_on__gte=today, renews_on__lte=today + timedelta(days=RENEWAL_NOTICE_DAYS))
        .select_related("program", "organization__owner__profile").prefetch_related("program__coordinators__profile")
    )
    messages = []
    for term in terms:
        people = list(term.program.coordinators.all()) + ([term.organization.owner] if term.organization.owner else [])
        for person in {p.pk: p for p in people}.values():
            messages.append(Message(
                user=person, key=f"reminder:agreement-renewal:{term.pk}:{term.renews_on.isoformat()}:{person.pk}",
                context={"name": person.get_full_name(), "organization": term.organization.name,
                         "program": term.program.name, "renews_on": term.renews_on, "url": term.get_absolute_url()},
            ))
    return notify_many(kind="agreement_renewal", messages=messages)
