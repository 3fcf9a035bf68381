"""Demo data for the embedded run: safe to run twice (everything is get-or-create)."""
from importlib import import_module

from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Language, Skill

SKILLS = {
    "Programming": ["Python", "R", "Julia", "JavaScript", "Rust", "C++", "Go", "TypeScript"],
    "Data science": ["Pandas", "NumPy", "Machine learning", "Bayesian statistics", "Data visualization",
                     "Deep learning", "Time series", "SQL"],
    "Open source": ["Git and GitHub", "Code review", "Packaging", "Documentation", "Testing",
                    "Continuous integration", "Community management", "Licensing"],
    "Research": ["Reproducible research", "Scientific writing", "Open data", "Bioinformatics",
                 "Climate science", "Computational physics"],
    "Career": ["Public speaking", "Technical writing", "Grant writing", "Project management", "Leadership"],
    "Web": ["Django", "React", "Accessibility", "DevOps", "Docker"],
}

ADMIN = ("admin@example.com", "demo-admin-2026")
PASSWORD = "demo-pass-2026"
COORDINATOR = "coordinator@example.com"
MENTORS = [
    ("ana.quispe@example.com", "Ana Quispe", "she/her", "Bolivia", "America/La_Paz", ["es", "en", "qu"],
     ["Python", "Pandas", "Reproducible research", "Packaging", "Testing"], 3,
     "Research software engineer. I maintain two scientific Python packages and love helping first-time contributors."),
    ("ivan.ogasawara@example.com", "Ivan Ogasawara", "he/him", "Brazil", "America/Sao_Paulo", ["pt", "en", "es"],
     ["Python", "Continuous integration", "Community management", "Docker", "Django"], 4,
     "Open-source maintainer and community organiser. Ask me about packaging, CI and running a project."),
    ("mei.tanaka@example.com", "Mei Tanaka", "she/her", "Japan", "Asia/Tokyo", ["ja", "en"],
     ["Bayesian statistics", "Machine learning", "Julia", "Scientific writing"], 2,
     "Statistician working on probabilistic programming. I mentor on Bayesian workflows and writing papers."),
    ("kwame.mensah@example.com", "Kwame Mensah", "he/him", "Ghana", "Africa/Accra", ["en", "fr"],
     ["Data visualization", "R", "Open data", "Public speaking"], 2,
     "Data journalist and R user. I help people tell stories with data and speak at their first conference."),
    ("lena.schmidt@example.com", "Lena Schmidt", "she/they", "Germany", "Europe/Berlin", ["de", "en"],
     ["Rust", "C++", "Code review", "Testing", "Computational physics"], 3,
     "Systems programmer in a physics lab. Careful code review and testing are my favourite topics."),
    ("diego.ramirez@example.com", "Diego Ramírez", "he/him", "Mexico", "America/Mexico_City", ["es", "en"],
     ["JavaScript", "React", "Accessibility", "Documentation", "TypeScript"], 2,
     "Front-end developer focused on accessible interfaces and good documentation."),
]
MENTEES = [
    ("sofia.mamani@example.com", "Sofía Mamani", "she/her", "Bolivia", "America/La_Paz", ["es"],
     ["Python", "Pandas", "Data visualization"], "Become a data scientist working on environmental data."),
    ("arjun.patel@example.com", "Arjun Patel", "he/him", "India", "Asia/Kolkata", ["en", "hi"],
     ["Bayesian statistics", "Machine learning"], "Publish my first paper and contribute to a statistics library."),
    ("amara.okafor@example.com", "Amara Okafor", "she/her", "Nigeria", "Africa/Lagos", ["en", "yo"],
     ["Packaging", "Testing", "Continuous integration"], "Maintain an open-source package used by researchers."),
    ("lucas.silva@example.com", "Lucas Silva", "he/him", "Portugal", "Europe/Lisbon", ["pt", "en"],
     ["Rust", "Code review"], "Move from web development into systems programming."),
    ("yuki.sato@example.com", "Yuki Sato", "they/them", "Japan", "Asia/Tokyo", ["ja", "en"],
     ["Documentation", "Technical writing", "Accessibility"], "Become a technical writer for open-source projects."),
    ("carla.rojas@example.com", "Carla Rojas", "she/her", "Chile", "America/Santiago", ["es", "en"],
     ["R", "Open data", "Public speaking"], "Lead an open-data community in my city."),
]


class Command(BaseCommand):
    help = "Create demo users, profiles and skills (idempotent). Prints the demo logins."

    @transaction.atomic
    def handle(self, *args, **options):
        skills = {}
        for category, names in SKILLS.items():
            for name in names:
                skill, _ = Skill.objects.get_or_create(name=name, defaults={"category": category, "approved": True})
                skills[name] = skill
        languages = {lang.code: lang for lang in Language.objects.all()}
        User = get_user_model()

        admin, created = User.objects.get_or_create(
            email=ADMIN[0], defaults={"is_staff": True, "is_superuser": True},
        )
        if created:
            admin.set_password(ADMIN[1])
            admin.save()
        self._verify(admin)
        admin.profile.display_name = admin.profile.display_name or "Site Admin"
        admin.profile.save()

        for email, name, pronouns, country, tz, langs, skill_names, capacity, bio in MENTORS:
            profile = self._person(email, name, pronouns, country, tz, langs, languages)
            profile.bio, profile.is_mentor, profile.is_mentee = bio, True, False
            profile.mentor_capacity, profile.open_to_mentoring, profile.hours_per_week = capacity, True, 4
            profile.save()
            profile.skills.set([skills[s] for s in skill_names])
            profile.interests.set([skills["Leadership"]])
        for email, name, pronouns, country, tz, langs, interest_names, goals in MENTEES:
            profile = self._person(email, name, pronouns, country, tz, langs, languages)
            profile.bio = f"Hi, I'm {name.split()[0]}. {goals}"
            profile.career_goals, profile.is_mentee, profile.hours_per_week = goals, True, 6
            profile.save()
            profile.interests.set([skills[s] for s in interest_names])

        # Every other app adds its own demo data from its demo.py (accounts imports none of them).
        for app_config in apps.get_app_configs():
            try:
                module = import_module(f"{app_config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app_config.name}.demo":
                    raise
                continue
            module.seed(stdout=self.stdout)

        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in at http://127.0.0.1:8000/accounts/login/ with:"))
        self.stdout.write(f"  admin (staff, reads the outbox): {ADMIN[0]} / {ADMIN[1]}")
        self.stdout.write(f"  mentor: {MENTORS[0][0]} / {PASSWORD}")
        self.stdout.write(f"  mentee: {MENTEES[0][0]} / {PASSWORD}")
        self.stdout.write(f"  coordinator of every demo program: {COORDINATOR} / {PASSWORD}")
        self.stdout.write(f"  (every demo person's password is {PASSWORD})")

    def _person(self, email, name, pronouns, country, tz, langs, languages):
        User = get_user_model()
        user, created = User.objects.get_or_create(email=email)
        if created:
            user.set_password(PASSWORD)
            user.language = "es" if "es" in langs[:1] else "en"
            user.save()
        self._verify(user)
        profile = user.profile
        profile.display_name, profile.pronouns, profile.country, profile.timezone = name, pronouns, country, tz
        profile.save()
        profile.languages.set([languages[c] for c in langs if c in languages])
        return profile

    def _verify(self, user):
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True},
        )
