"""A cohort's matching settings: read with defaults, change (which makes the last run stale)."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from programs.models import Cohort
from programs.permissions import is_coordinator

from ..engine import COMPONENTS
from ..models import MatchingSettings, Mode, Objective

EDITABLE = tuple(f"weight_{c}" for c in COMPONENTS) + (
    "min_score", "mode", "objective", "require_shared_language", "top_k",
)


def matching_settings_get(*, cohort: Cohort) -> MatchingSettings:
    """The cohort's settings; the defaults (unsaved) until a coordinator saves some, so reading writes nothing."""
    return MatchingSettings.objects.filter(cohort=cohort).first() or MatchingSettings(cohort=cohort)


def _settings_row(cohort: Cohort) -> MatchingSettings:
    """The saved row, created with the defaults on first save (safe under concurrent first saves)."""
    found = MatchingSettings.objects.filter(cohort=cohort).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return MatchingSettings.objects.create(cohort=cohort)
    except IntegrityError:
        return MatchingSettings.objects.get(cohort=cohort)


def matching_settings_update(*, cohort: Cohort, actor, data: dict) -> MatchingSettings:
    """Change weights and options. The latest run becomes stale and a re-run is queued (debounced)."""
    if not is_coordinator(actor, cohort.program_id):
        raise PermissionDenied
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise ValidationError(_("Unknown setting: %(names)s") % {"names": ", ".join(sorted(unknown))})
    if data.get("mode", Mode.OPTIMAL) not in Mode.values or data.get("objective", Objective.TOTAL) not in Objective.values:
        raise ValidationError(_("Choose a valid assignment mode and objective."))
    from .staleness import runs_mark_stale

    with transaction.atomic():
        config = MatchingSettings.objects.select_for_update().get(pk=_settings_row(cohort).pk)
        before = config.parameters()
        for name, value in data.items():
            setattr(config, name, value)
        if not any(getattr(config, f"weight_{c}") for c in ("skills", "interests", "text", "timezone", "availability")):
            raise ValidationError(_("Give at least one of skills, interests, goals, time zone or hours a weight above 0."))
        config.updated_by = actor
        config.save()
        if config.parameters() != before:
            runs_mark_stale(cohort_ids=[cohort.pk], reason="settings")
    return config
