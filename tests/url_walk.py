"""Walk every URL pattern of the site with real objects behind it.

`url_patterns()` lists every named pattern from `get_resolver()` (the admin's and allauth's
included), so a page added tomorrow is walked without touching the tests. `build_world()` makes
one of everything (a running pair with its goal, meeting and early-end request, an open cohort with
applications, a match run, a direct request, an organization and a project) and the people who
see them; `fill()` gives each URL parameter a value that points at one of those objects.
"""
import datetime as dt
import re
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

from accounts.tests.factories import UserFactory, make_mentee
from matching.models import PairRule
from matching.tests.factories import MatchProposalFactory, MatchRunFactory
from mentor_requests import services as request_services
from mentoring import services as mentoring_services
from mentoring.models import Stage
from mentoring.tests.factories import pair
from notifications.models import Notification
from notifications.services import unsubscribe_token
from organizations.invitations import invitations_send
from organizations.models import Group, Organization, Project
from programs.models import ApprovalStatus
from programs.tests.factories import ApplicationFactory, CohortFactory, EnrollmentFactory

ROLES = ("anonymous", "mentee", "mentor", "coordinator", "outsider", "site_admin")


@dataclass(frozen=True)
class Pattern:
    name: str  # "namespace:name"
    params: tuple[str, ...]
    converters: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def namespace(self) -> str:
        return self.name.rpartition(":")[0]


def url_patterns() -> list[Pattern]:
    found = {}

    def walk(patterns, namespace: str, converters: dict):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = ":".join(filter(None, [namespace, entry.namespace])) if entry.namespace else namespace
                walk(entry.url_patterns, ns, {**converters, **entry.pattern.converters})
            elif isinstance(entry, URLPattern) and entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                params = tuple(entry.pattern.regex.groupindex)
                convs = {**converters, **entry.pattern.converters}
                found.setdefault((name, params), Pattern(name, params, convs))

    walk(get_resolver().url_patterns, "", {})
    return sorted(found.values(), key=lambda p: (p.name, p.params))


@dataclass
class World:
    people: dict
    objects: dict

    def login(self, client, role: str) -> None:
        client.logout()
        if self.people[role] is not None:
            client.force_login(self.people[role])


def build_world() -> World:
    p = pair(mentor_name="Walk Mentor", mentee_name="Walk Mentee")
    m = p.mentorship
    goal = mentoring_services.goal_create(mentorship=m, actor=p.mentee, title="Learn testing")
    meeting = mentoring_services.meeting_schedule(
        mentorship=m, actor=p.mentor, starts_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1), agenda="Agenda")
    item = mentoring_services.action_item_add(meeting=meeting, actor=p.mentor, owner_role="mentee", title="Write tests")
    end_request = mentoring_services.early_end_request(mentorship=m, actor=p.mentee, reason="Moving abroad")
    feed = mentoring_services.calendar_feed_get_or_create(user=p.mentee)

    # An open cohort of the same program: the mentee applied, the mentor reviews, a run proposes a pair.
    open_cohort = CohortFactory(program=p.program)
    enrollment = EnrollmentFactory(cohort=open_cohort, mentor=p.mentor, status=ApprovalStatus.APPROVED)
    application = ApplicationFactory(cohort=open_cohort, applicant=p.mentee)
    other_application = ApplicationFactory(cohort=open_cohort, applicant=make_mentee(name="Second Applicant"))
    run = MatchRunFactory(cohort=open_cohort)
    proposal = MatchProposalFactory(run=run, application=other_application, enrollment=enrollment)
    rule = PairRule.objects.create(cohort=open_cohort, application=other_application, enrollment=enrollment,
                                   kind=PairRule.Kind.choices[0][0], created_by=p.coordinator)

    # A rolling cohort where someone asks the mentor directly.
    rolling = CohortFactory(program=p.program, rolling=True, applications_close_at=None, review_deadline=None)
    EnrollmentFactory(cohort=rolling, mentor=p.mentor, status=ApprovalStatus.APPROVED)
    direct = request_services.request_send(
        mentee=make_mentee(name="Direct Asker"), mentor=p.mentor, cohort=rolling, about_me="Me", experience="Some",
        learning_goals="More", why_you="You", hours_per_week=3)

    organization = Organization.objects.create(name="Walk Lab", kind=Organization.Kind.choices[0][0], created_by=p.mentee)
    organization.members.add(p.mentee)
    project = Project.objects.create(name="Walk Tool", stage=Project.Stage.choices[0][0])
    project.maintainers.add(p.mentee)
    group = Group.objects.create(name="Walk Group", owner=p.mentee)
    group.members.add(p.mentee)
    (invitation,) = invitations_send(actor=p.mentee, target=group, emails=[p.mentor.email])
    body = Notification.objects.get(key=f"invitation:{invitation.pk}").body_text
    invitation_token = re.search(r"/invitations/([^/\s]+)/", body).group(1)

    people = {
        "anonymous": None, "mentee": p.mentee, "mentor": p.mentor, "coordinator": p.coordinator,
        "outsider": UserFactory(),
        "site_admin": UserFactory(is_superuser=True, is_staff=True),
    }
    objects = {
        "mentorship": m, "goal": goal, "meeting": meeting, "item": item, "end_request": end_request, "feed": feed,
        "program": p.program, "cohort": open_cohort, "running_cohort": p.cohort, "rolling_cohort": rolling,
        "application": application, "run": run, "proposal": proposal, "rule": rule, "request": direct,
        "organization": organization, "project": project, "profile": p.mentor.profile, "group": group,
        "invitation_token": invitation_token,
        "unsubscribe": unsubscribe_token(user=p.mentee, kind="mentorship_reminder"),
    }
    return World(people=people, objects=objects)


# Which object a bare "pk" means, by the first word of the URL name that names a kind of object.
PK_BY_WORD = {
    "run": "run", "proposal": "proposal", "rule": "rule", "organization": "organization", "project": "project",
    "group": "group",
    "application": "application", "review": "application", "cohort": "cohort", "profile": "profile",
}
PK_BY_NAMESPACE = {"mentoring": "mentorship", "mentor_requests": "request", "accounts": "profile"}
OBJECT_BY_PARAM = {
    "cohort_pk": "cohort", "goal_pk": "goal", "meeting_pk": "meeting", "item_pk": "item",
    "request_pk": "end_request", "profile_pk": "profile",
}


def _pk_object(pattern: Pattern) -> str | None:
    short = pattern.name.rpartition(":")[2]
    for word, key in PK_BY_WORD.items():
        if word in short.split("_"):
            return key
    return PK_BY_NAMESPACE.get(pattern.namespace)


def _admin_object_id(pattern: Pattern, world: World) -> str | None:
    """The first object of the admin page's model (a profile for "view on site"), or None if it has none."""
    if pattern.name == "admin:view_on_site":
        return str(world.objects["profile"].pk)
    short = pattern.name.removeprefix("admin:").rsplit("_", 1)[0]
    for model in apps.get_models():
        if f"{model._meta.app_label}_{model._meta.model_name}" == short:
            first = model._default_manager.order_by("pk").first()
            return str(first.pk) if first else None
    return None


def fill(pattern: Pattern, world: World) -> dict | None:
    """URL kwargs pointing at the world's objects, or None when the pattern needs something it has not."""
    o = world.objects
    kwargs = {}
    for param in pattern.params:
        if param in OBJECT_BY_PARAM:
            kwargs[param] = o[OBJECT_BY_PARAM[param]].pk
        elif param.endswith("_pk") and param.removesuffix("_pk") in o:  # e.g. application_pk
            kwargs[param] = o[param.removesuffix("_pk")].pk
        elif param == "pk":
            key = _pk_object(pattern)
            if pattern.name == "programs:cohort_detail":
                key = "cohort"
            kwargs[param] = o[key].pk if key else 1
        elif param == "slug":
            kwargs[param] = o["program"].slug
        elif param == "stage":
            kwargs[param] = Stage.MIDPOINT
        elif param == "action":
            kwargs[param] = "pause"
        elif param == "token":
            kwargs[param] = {"mentoring": o["feed"].token, "organizations": o["invitation_token"]}.get(
                pattern.namespace, o["unsubscribe"])
        elif param == "object_id":
            kwargs[param] = _admin_object_id(pattern, world)
            if kwargs[param] is None:
                return None
        elif param == "content_type_id":  # the admin's "view on site" for a profile
            kwargs[param] = ContentType.objects.get_for_model(o["profile"]).pk
        elif param == "app_label":
            kwargs[param] = "programs"
        elif param == "id":  # the admin's password change for a user
            kwargs[param] = world.people["outsider"].pk
        elif param in ("uidb36", "key"):  # allauth links: a made-up key finds nothing
            kwargs[param] = "1" if param == "uidb36" else "made-up-key"
        elif isinstance(pattern.converters.get(param), IntConverter):
            kwargs[param] = 1  # a page added after this walk was written: it still gets walked
        else:
            kwargs[param] = "x"
    return kwargs
