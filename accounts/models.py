"""People: the login (User, email only), their Profile and the Skill taxonomy."""
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from . import taxonomy
from .validators import validate_orcid, validate_timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email address"), unique=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    language = models.CharField(
        _("language for emails"), max_length=10, blank=True, choices=settings.LANGUAGES,
        help_text=_("The language of the emails we send you."),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.email

    def get_full_name(self):
        profile = getattr(self, "profile", None)
        return (profile.display_name if profile else "") or self.email.split("@")[0]

    get_short_name = get_full_name


class Language(models.Model):
    """A spoken language (ISO 639-1 code), loaded by a data migration."""

    code = models.CharField(max_length=8, unique=True)
    name = models.CharField(_("name in English"), max_length=64)
    name_es = models.CharField(_("name in Spanish"), max_length=64, blank=True)
    name_pt_br = models.CharField(_("name in Portuguese (Brazil)"), max_length=64, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self):
        return self.local_name

    @property
    def local_name(self) -> str:
        """The name in the reader's language (see accounts.taxonomy)."""
        return taxonomy.local_name(self)

    def save(self, *args, **kwargs):
        taxonomy.fill_missing_translations(self, taxonomy.LANGUAGE_NAMES, self.code)
        super().save(*args, **kwargs)
        taxonomy.forget_cached_names()


class SkillQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(approved=True)


class Skill(models.Model):
    """A skill or topic in the curated taxonomy. People may suggest new ones; admins approve."""

    name = models.CharField(_("name in English"), max_length=80, unique=True)
    name_es = models.CharField(_("name in Spanish"), max_length=80, blank=True)
    name_pt_br = models.CharField(_("name in Portuguese (Brazil)"), max_length=80, blank=True)
    slug = models.SlugField(max_length=90, unique=True)
    category = models.CharField(_("category"), max_length=60, blank=True)
    approved = models.BooleanField(_("approved"), default=True)
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="suggested_skills", verbose_name=_("suggested by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SkillQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self):
        return self.local_name

    @property
    def local_name(self) -> str:
        """The name in the reader's language (see accounts.taxonomy)."""
        return taxonomy.local_name(self)

    def save(self, *args, **kwargs):
        taxonomy.fill_missing_translations(self, taxonomy.SKILL_NAMES, self.name)
        if not self.slug:
            self.slug = slugify(self.name)[:90] or "skill"
        super().save(*args, **kwargs)
        taxonomy.forget_cached_names()


class Profile(models.Model):
    """Everything a person tells the programs about themselves. One per user."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(_("display name"), max_length=120, blank=True)
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    bio = models.TextField(_("bio"), blank=True, help_text=_("A few lines about you and your work."))
    country = models.CharField(_("country"), max_length=80, blank=True)
    timezone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_timezone],
        help_text=_("An IANA name such as America/La_Paz or Europe/Madrid."),
    )
    # Offset from UTC in minutes, kept in step with `timezone` on save, so that the
    # directory can filter by a range of offsets in SQL.
    utc_offset_minutes = models.IntegerField(default=0, editable=False)
    languages = models.ManyToManyField(
        Language, blank=True, related_name="profiles", verbose_name=_("languages spoken"),
    )
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="skilled_profiles", verbose_name=_("skills"),
        help_text=_("What you know well and could teach."),
    )
    interests = models.ManyToManyField(
        Skill, blank=True, related_name="interested_profiles", verbose_name=_("interests"),
        help_text=_("What you want to learn or work on."),
    )
    career_goals = models.TextField(
        _("career goals"), blank=True,
        help_text=_("What you want to achieve in your career in the next year or two."),
    )
    github_url = models.URLField(_("GitHub"), blank=True)
    orcid = models.CharField(_("ORCID iD"), max_length=19, blank=True, validators=[validate_orcid])
    website = models.URLField(_("website"), blank=True)
    linkedin_url = models.URLField(_("LinkedIn"), blank=True)
    hours_per_week = models.PositiveSmallIntegerField(
        _("hours per week available"), default=2, validators=[MaxValueValidator(60)],
    )
    is_mentee = models.BooleanField(_("I want to be mentored"), default=True)
    is_mentor = models.BooleanField(_("I want to mentor"), default=False)
    mentor_capacity = models.PositiveSmallIntegerField(
        _("how many mentees at once"), default=1, validators=[MinValueValidator(0), MaxValueValidator(20)],
    )
    open_to_mentoring = models.BooleanField(
        _("list me in the mentor directory"), default=False,
        help_text=_("Mentees can find you and ask you to mentor them."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        indexes = [models.Index(fields=["is_mentor", "open_to_mentoring", "utc_offset_minutes"])]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.user.email.split("@")[0]

    def get_absolute_url(self):
        return reverse("accounts:profile_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        self.utc_offset_minutes = utc_offset_minutes(self.timezone)
        super().save(*args, **kwargs)

    def missing_items(self) -> list[str]:
        """What the person still has to fill in, in words they understand.

        Reads the many-to-many fields from prefetched data when it is there.
        """
        missing = []
        if not self.display_name:
            missing.append(_("your name"))
        if not self.bio:
            missing.append(_("a short bio"))
        if not self.country:
            missing.append(_("your country"))
        if not self.languages.all():
            missing.append(_("the languages you speak"))
        if self.is_mentor and not self.skills.all():
            missing.append(_("the skills you can teach"))
        if self.is_mentee and not self.interests.all():
            missing.append(_("what you want to learn"))
        if self.is_mentee and not self.career_goals:
            missing.append(_("your career goals"))
        return missing

    COMPLETENESS_ITEMS = 7

    @property
    def completeness(self) -> int:
        """Percentage of the profile that is filled in."""
        missing = len(self.missing_items())
        return round(100 * (self.COMPLETENESS_ITEMS - missing) / self.COMPLETENESS_ITEMS)


def utc_offset_minutes(tz_name: str) -> int:
    try:
        offset = datetime.now(ZoneInfo(tz_name)).utcoffset()
    except Exception:  # an invalid name is reported by the validator, not here
        return 0
    return int(offset.total_seconds() // 60) if offset else 0
