"""Demo programs for `manage.py seed_demo`: all eight kinds, cohorts in every phase, ~50 applications."""
import random
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import Language, Skill
from organizations.models import Organization, Project

from .dates import cohort_today
from .kinds import PROJECT, applicant_type
from .models import (
    Answer,
    Application,
    ApplicationEvent,
    ApplicationPreference,
    ApplicationQuestion,
    ApprovalStatus,
    Cohort,
    MentorEnrollment,
    Program,
    ProgramKind,
    QuestionKind,
    Review,
    ReviewCriterion,
)
from .services import weighted_score

PASSWORD = "demo-pass-2026"

PROGRAMS = [
    ("open-source-internships", "Open Source Internships", ProgramKind.INTERNSHIP,
     "Three-month remote internships on open-science projects, with a mentor from the project.",
     "## What you do\n\nYou work on a real open-source project for twelve weeks, with a mentor who maintains it.\n\n"
     "## Who can apply\n\nAnyone who can give **15 hours a week**. No degree needed: show us what you have built."),
    ("mentoring", "Mentoring Program", ProgramKind.MENTORING,
     "Ask an experienced person for guidance at any time of the year: career, research, open source.",
     "Requests are open all year. Tell a mentor who you are, what you have done, what you want to learn and why them."),
    ("ambassadors", "Open Science Ambassadors", ProgramKind.AMBASSADORS,
     "Represent open science in your community: talks, workshops and local meetups.",
     "Ambassadors get training, materials and a mentor to plan their first events."),
    ("project-incubator", "Project Incubator", ProgramKind.INCUBATOR,
     "Young open-source projects get advice on governance, packaging and community.",
     "For projects with at least one release and a maintainer who can meet every two weeks."),
    ("package-support", "Package Support", ProgramKind.PACKAGE_SUPPORT,
     "Reviews, documentation and infrastructure help for scientific packages.",
     "Maintainers ask for the support they need: code review, documentation, CI or mentoring."),
    ("affiliation", "Affiliation", ProgramKind.AFFILIATION,
     "Organizations that share our goals join the network and take part in its programs.",
     "Universities, companies and communities can affiliate. Tell us what you offer and what you are looking for."),
    ("partners", "Partners", ProgramKind.PARTNERS,
     "Organizations that fund or co-organize programs with us.",
     "Partners co-design a program with us and its coordinators."),
    ("virtual-labs", "Virtual Labs", ProgramKind.VIRTUAL_LABS,
     "Small groups learn together on a shared project for a term, with a facilitator.",
     "Each lab has a theme, a facilitator and four to eight members who meet weekly."),
]

GOALS = [
    "Contribute my first pull request to a scientific Python library and learn how reviews work.",
    "Learn Bayesian modelling well enough to use it in my thesis on climate data.",
    "Become a maintainer: packaging, testing, continuous integration and releases.",
    "Improve my documentation and technical writing so users can adopt our tools.",
    "Build data visualizations for public health dashboards in my city.",
    "Move from web development into research software engineering.",
]
ANSWERS = [
    "I built a small package that cleans weather station data; 40 people in my lab use it.",
    "I wrote tutorials in Spanish for our R user group and organised three workshops.",
    "I fixed two bugs in a plotting library and added tests for them.",
    "I maintain the website of a local open-data community and automated its deployment.",
]


def _user(email, name, *, mentee=True, mentor=False, tz="UTC", languages=("en",)):
    User = get_user_model()
    user, created = User.objects.get_or_create(email=email)
    if created:
        user.set_password(PASSWORD)
        user.save()
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    profile = user.profile
    if not profile.display_name:
        profile.display_name, profile.timezone = name, tz
        profile.is_mentee, profile.is_mentor = mentee, mentor
        profile.save()
        profile.languages.set(Language.objects.filter(code__in=languages))
    return user


def _cohort(program, name, *, phase, now, **extra):
    """Dates that put the cohort in the wanted phase today."""
    d = timedelta
    offsets = {
        "upcoming": (d(days=20), d(days=50), d(days=65), 80, 170),
        "accepting": (-d(days=10), d(days=14), d(days=28), 45, 135),
        "reviewing": (-d(days=30), -d(days=2), d(days=12), 30, 120),
        "matching": (-d(days=40), -d(days=15), -d(days=1), 10, 100),
        "running": (-d(days=90), -d(days=60), -d(days=45), -30, 60),
        "finished": (-d(days=200), -d(days=170), -d(days=150), -140, -30),
    }[phase]
    opens, closes, review, start, end = offsets
    today = cohort_today(now)
    cohort, _ = Cohort.objects.update_or_create(
        program=program, name=name,
        defaults={
            "applications_open_at": now + opens,
            "applications_close_at": None if extra.get("rolling") else now + closes,
            "review_deadline": None if extra.get("rolling") else now + review,
            "starts_on": today + d(days=start),
            "ends_on": today + d(days=end),
            "midpoint_evaluation_due": today + d(days=(start + end) // 2),
            "final_evaluation_due": today + d(days=end - 3),
            **extra,
        },
    )
    if not cohort.questions.exists():
        ApplicationQuestion.objects.bulk_create([
            ApplicationQuestion(cohort=cohort, order=1, kind=QuestionKind.LONG_TEXT,
                                prompt="What have you built or done that you are proud of?"),
            ApplicationQuestion(cohort=cohort, order=2, kind=QuestionKind.SINGLE_CHOICE, required=True,
                                prompt="Which track fits you best?",
                                choices="Research software\nData science\nCommunity and outreach"),
            ApplicationQuestion(cohort=cohort, order=3, kind=QuestionKind.URL, required=False,
                                prompt="Link to your work (GitHub, portfolio)"),
        ])
        ReviewCriterion.objects.bulk_create([
            ReviewCriterion(cohort=cohort, order=1, name="Motivation and goals", weight=2),
            ReviewCriterion(cohort=cohort, order=2, name="Experience and skills", weight=1),
            ReviewCriterion(cohort=cohort, order=3, name="Fit with the mentors", weight=1),
        ])
    return cohort


ORGANIZATIONS = [
    ("Universidad Abierta de Los Andes", Organization.Kind.UNIVERSITY, "Bolivia"),
    ("Datos Libres Community", Organization.Kind.COMMUNITY, "Chile"),
    ("Open Research Lab GmbH", Organization.Kind.COMPANY, "Germany"),
]
PROJECT_NAMES = ["pyclimate", "tidyhydro", "openmeteo-tools", "bioseq-lite", "geostat", "labnotes", "repro-kit",
                 "astro-utils", "citeme", "dataclean"]


def _on_behalf(application, applicant, rng, *, index):
    """Project-based programs get project applications: the applicant is a maintainer."""
    if applicant_type(application.cohort.program.kind) != PROJECT:
        return
    name = f"{PROJECT_NAMES[index % len(PROJECT_NAMES)]}-{index}"
    project, _ = Project.objects.get_or_create(
        name=name,
        defaults={"repository_url": f"https://github.com/example/{name}", "license": rng.choice(["MIT", "BSD-3-Clause"]),
                  "description": f"{name} helps researchers work with their data.", "stage": rng.choice(Project.Stage.values),
                  "users_estimate": rng.randint(10, 2000), "created_by": applicant},
    )
    project.maintainers.add(applicant)
    application.project = project
    application.support_needed = rng.sample(["mentoring", "review", "documentation", "infrastructure"], k=2)
    application.wants = "A second maintainer and a review of our release process."
    application.save(update_fields=["project", "support_needed", "wants"])


def seed(*, stdout):
    rng = random.Random(2026)
    now = timezone.now()
    coordinator = _user("coordinator@example.com", "Coordinator Demo", mentee=False)
    mentors = list(get_user_model().objects.filter(profile__is_mentor=True, profile__open_to_mentoring=True)
                   .order_by("email"))
    skills = list(Skill.objects.approved().order_by("name"))

    programs = {}
    for slug, name, kind, summary, description in PROGRAMS:
        program, _ = Program.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "kind": kind, "summary": summary, "description": description,
                      "contact_email": f"{slug}@example.org", "published": True},
        )
        program.coordinators.add(coordinator)
        programs[slug] = program
        if skills and not program.skills.exists():
            program.skills.set(rng.sample(skills, k=min(4, len(skills))))

    cohorts = {
        "accepting": _cohort(programs["open-source-internships"], "2026 Term 4", phase="accepting", now=now,
                             season="2026-T4", max_applications_per_season=3, max_mentees=12),
        "reviewing": _cohort(programs["project-incubator"], "Winter 2026", phase="reviewing", now=now),
        "matching": _cohort(programs["package-support"], "Round 3", phase="matching", now=now),
        "running": _cohort(programs["virtual-labs"], "Autumn lab: reproducible research", phase="running", now=now),
        "finished": _cohort(programs["open-source-internships"], "2026 Term 2", phase="finished", now=now),
        "upcoming": _cohort(programs["ambassadors"], "2027 cohort", phase="upcoming", now=now),
        "rolling": _cohort(programs["mentoring"], "Open all year", phase="accepting", now=now, rolling=True),
    }
    _cohort(programs["affiliation"], "2026-2027", phase="accepting", now=now, rolling=True)
    _cohort(programs["partners"], "2027 partners", phase="upcoming", now=now)

    for key in ("accepting", "reviewing", "matching", "rolling"):
        for mentor in mentors:
            MentorEnrollment.objects.get_or_create(
                cohort=cohorts[key], mentor=mentor,
                defaults={"capacity": mentor.profile.mentor_capacity, "status": ApprovalStatus.APPROVED,
                          "offer": "Weekly calls, code review and help with your first contribution."},
            )

    # About fifty applicants spread over the cohorts that take applications.
    applicants = [
        _user(f"applicant{i:02d}@example.com", f"Applicant {i:02d}", tz=rng.choice(
            ["America/La_Paz", "Europe/Madrid", "Africa/Lagos", "Asia/Kolkata", "America/Sao_Paulo", "Asia/Tokyo"]),
            languages=rng.choice([("en",), ("es", "en"), ("pt", "en")]))
        for i in range(1, 51)
    ]
    plan = [("reviewing", 20), ("accepting", 16), ("matching", 14)]
    index = 0
    for key, count in plan:
        cohort = cohorts[key]
        questions = list(cohort.questions.all())
        criteria = list(cohort.criteria.all())
        for applicant in applicants[index:index + count]:
            application, created = Application.objects.get_or_create(
                cohort=cohort, applicant=applicant,
                defaults={
                    "goals": rng.choice(GOALS), "motivation": rng.choice(GOALS), "hours_per_week": rng.randint(4, 15),
                    "status": Application.Status.SUBMITTED, "submitted_at": cohort.applications_open_at + timedelta(days=2),
                },
            )
            if not created:
                continue
            _on_behalf(application, applicant, rng, index=applicants.index(applicant))
            application.skills_wanted.set(rng.sample(skills, k=min(3, len(skills))))
            Answer.objects.bulk_create([
                Answer(application=application, question=questions[0], value=rng.choice(ANSWERS)),
                Answer(application=application, question=questions[1], value=rng.choice(questions[1].choice_list())),
            ])
            ApplicationEvent.objects.create(application=application, actor=applicant, from_status="draft", to_status="submitted")
            for rank, mentor in enumerate(rng.sample(mentors, k=min(2, len(mentors))), start=1):
                ApplicationPreference.objects.create(application=application, mentor=mentor, rank=rank)
            if key != "accepting":
                for reviewer in rng.sample(mentors, k=min(2, len(mentors))):
                    scores = {str(c.pk): rng.randint(2, 5) for c in criteria}
                    Review.objects.create(
                        application=application, reviewer=reviewer, scores=scores,
                        weighted_score=weighted_score(criteria=criteria, scores=scores),
                        recommendation=rng.choice(["strong_yes", "yes", "maybe", "no"]),
                        comment="Clear goals; would benefit from a mentor who knows packaging.",
                    )
                application.status = Application.Status.UNDER_REVIEW
                application.save(update_fields=["status"])
        index += count
    # Organizations apply to Affiliation (rolling), a group to the running Virtual Lab.
    affiliation = Cohort.objects.get(program=programs["affiliation"], name="2026-2027")
    for i, (name, kind, country) in enumerate(ORGANIZATIONS):
        contact = applicants[-(i + 1)]
        organization, _ = Organization.objects.get_or_create(
            name=name, defaults={"kind": kind, "country": country, "website": f"https://org{i}.example.org",
                                 "description": f"{name} teaches and does research in open science.", "created_by": contact},
        )
        organization.members.add(contact)
        Application.objects.get_or_create(
            cohort=affiliation, applicant=contact,
            defaults={"organization": organization, "status": Application.Status.SUBMITTED, "submitted_at": now,
                      "goals": "Join the network and host two mentees a year.", "contact_person": contact.profile.display_name,
                      "offer": "Meeting rooms, two staff mentors and a yearly workshop.",
                      "wants": "Visibility for our open-science work and help starting a mentoring program."},
        )
    lab = cohorts["running"]
    leader = applicants[0]
    Application.objects.get_or_create(
        cohort=lab, applicant=leader,
        defaults={"status": Application.Status.ACCEPTED, "submitted_at": lab.applications_open_at + timedelta(days=1),
                  "goals": "Make our lab's analysis reproducible end to end.",
                  "group_members": "\n".join(a.email for a in applicants[1:4])},
    )
    stdout.write(f"  programs: {Program.objects.count()}, cohorts: {Cohort.objects.count()}, "
                 f"applications: {Application.objects.count()}")
