"""Each program kind's work: ambassador activities and listings, incubator milestones and graduation,
package support plans, partnership terms.

On deletion the ambassador's activities stay (the program's reach statistics count them) with their links
and the coordinator's note erased; the public listing goes. Milestones, graduation and support plans belong
to the mentorship and stay for the other participant."""
from django.db.models import Q
from django.utils.translation import gettext as _

from .models import Activity, AmbassadorListing, Graduation, Milestone, PartnershipTerm, PlanItem


def export_for_user(*, user) -> dict:
    mine = Q(mentorship__mentor=user) | Q(mentorship__mentee=user)
    return {
        "ambassador_activities": [{
            "program": a.cohort.program.name, "cohort": a.cohort.name, "kind": a.kind, "title": a.title,
            "held_on": a.held_on, "place": a.place, "link": a.link, "audience": a.audience,
            "materials_url": a.materials_url, "status": a.status, "review_note": a.review_note,
        } for a in Activity.objects.filter(ambassador=user).select_related("cohort__program").order_by("pk")],
        "ambassador_listings": [listing.program.name for listing in
                                AmbassadorListing.objects.filter(ambassador=user).select_related("program").order_by("pk")],
        "milestones": [{"mentorship_id": m.mentorship_id, "stage": m.stage, "title": m.title,
                        "target_date": m.target_date, "evidence_url": m.evidence_url, "status": m.status,
                        "confirmed_at": m.confirmed_at}
                       for m in Milestone.objects.filter(mine).order_by("pk")],
        "graduations": [{"mentorship_id": g.mentorship_id, "decision": g.decision, "note": g.note,
                         "decided_at": g.decided_at} for g in Graduation.objects.filter(mine).order_by("pk")],
        "support_plan_items": [{"mentorship_id": i.plan.mentorship_id, "area": i.area, "title": i.title,
                                "done_at": i.done_at}
                               for i in PlanItem.objects.filter(Q(plan__mentorship__mentor=user)
                                                                | Q(plan__mentorship__mentee=user))
                               .select_related("plan").order_by("pk")],
        "partnership_terms_you_created": [{"program": t.program.name, "organization": t.organization.name,
                                           "starts_on": t.starts_on, "renews_on": t.renews_on}
                                          for t in PartnershipTerm.objects.filter(created_by=user)
                                          .select_related("program", "organization").order_by("pk")],
    }


def deletion_plan_for_user(*, user) -> list[str]:
    lines = []
    if AmbassadorListing.objects.filter(ambassador=user).exists():
        lines.append(_("You are taken off the public lists of ambassadors."))
    if Activity.objects.filter(ambassador=user).exists():
        lines.append(_("The activities you logged as an ambassador stay without your name, links or materials, "
                       "so the program's reach still adds up."))
    return lines


def erase_for_user(*, user) -> dict:
    listings = AmbassadorListing.objects.filter(ambassador=user).delete()[0]
    # An activity needs a place or a link: the place stays (a town or "online"), the links go.
    activities = Activity.objects.filter(ambassador=user).exclude(place="").update(
        link="", materials_url="", review_note="")
    activities += Activity.objects.filter(ambassador=user, place="").update(
        place="online", link="", materials_url="", review_note="")
    return {"ambassador_listings": listings, "ambassador_activities_anonymised": activities}
