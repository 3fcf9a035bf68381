"""The privacy verbs: export a person's data, delete their account, purge finished cohorts.

Each app says what it holds through its `privacy` module (registry.py); this module only orchestrates:
one transaction, the archive, the emails, the records.
"""
import io
import json
import logging
import uuid
import zipfile
from calendar import monthrange
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship import broker
from mentorship.history import acting_as
from notifications.services import notify
from programs.models import Cohort, Program

from . import registry
from .models import CohortPurge, DataExport

logger = logging.getLogger(__name__)

EXPORT_SALT = "privacy.export-download"
LOST_EXPORT_AFTER = timedelta(minutes=15)


# --- Download my data ---------------------------------------------------------------------------

def export_storage() -> FileSystemStorage:
    return FileSystemStorage(location=settings.PRIVACY_EXPORT_ROOT)


def export_valid_days() -> int:
    return settings.PRIVACY_EXPORT_DAYS


def export_request(*, user) -> DataExport:
    """Queue an archive of everything about `user`. Asking again while one is prepared returns that one."""
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied
    with transaction.atomic():
        get_user_model().objects.select_for_update().only("pk").get(pk=user.pk)  # a row that always exists
        export = DataExport.objects.filter(user=user, status=DataExport.Status.PENDING).first()
        if export is not None:
            return export
        export = DataExport.objects.create(user=user)

        def enqueue():
            from .tasks import build_export

            broker.publish(build_export, export.pk)

        transaction.on_commit(enqueue, robust=True)
    return export


def export_data_for_user(*, user) -> dict:
    """One section per app, from each app's `export_for_user`."""
    data = {"format": "mentorship-data-export/1", "created_at": timezone.now().isoformat()}
    for provider in registry.with_function("export_for_user"):
        data[provider.label] = provider.call("export_for_user", user=user)
    return data


def export_files_for_user(*, user) -> list:
    files = []
    for provider in registry.with_function("export_files_for_user"):
        files += provider.call("export_files_for_user", user=user)
    return files


def export_archive_bytes(*, user) -> bytes:
    """A zip: data.json (everything, by app) and the person's uploaded files under files/."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        # Apps return dates and times as they are; the encoder writes them in ISO 8601.
        archive.writestr("data.json", json.dumps(export_data_for_user(user=user), indent=2, ensure_ascii=False,
                                                 cls=DjangoJSONEncoder))
        for name, field_file in export_files_for_user(user=user):
            try:
                with field_file.open("rb") as handle:
                    archive.writestr(name, handle.read())
            except FileNotFoundError:
                logger.warning("Export %s: file %s is missing; left out.", user.pk, name)
        archive.writestr("README.txt", _(
            "Everything Mentorship holds about you. data.json has one section per part of the site; "
            "files/ holds what you uploaded (such as CVs).\n"))
    return buffer.getvalue()


def export_token(export: DataExport) -> str:
    return signing.TimestampSigner(salt=EXPORT_SALT).sign_object({"e": export.pk, "u": export.user_id})


def export_download_url(export: DataExport) -> str:
    return reverse("privacy:export_download", args=[export_token(export)])


def export_build(*, export_id: int) -> str:
    """Build one archive and email its link. Safe to run twice: a row no longer pending is skipped."""
    with transaction.atomic():
        export = DataExport.objects.select_for_update(of=("self",)).select_related("user__profile").filter(pk=export_id).first()
        if export is None or export.status != DataExport.Status.PENDING:
            return "skipped"
        user = export.user
        content = export_archive_bytes(user=user)
        name = export_storage().save(f"{uuid.uuid4().hex}.zip", io.BytesIO(content))
        now = timezone.now()
        export.status, export.file_name, export.size = DataExport.Status.READY, name, len(content)
        export.ready_at, export.expires_at = now, now + timedelta(days=export_valid_days())
        export.save()
        notify(
            user=user, kind="privacy_export_ready", key=f"privacy:export:{export.pk}",
            context={"name": user.get_full_name(), "url": export_download_url(export), "expires_at": export.expires_at,
                     "days": export_valid_days()},
        )
    return "ready"


def export_expire(*, now=None) -> int:
    """Delete archives past their date (and requeue exports whose enqueue was lost). Safe to run twice."""
    now = now or timezone.now()
    storage, expired = export_storage(), 0
    for export in DataExport.objects.filter(status=DataExport.Status.READY, expires_at__lte=now):
        with transaction.atomic():
            locked = DataExport.objects.select_for_update().get(pk=export.pk)
            if locked.status != DataExport.Status.READY:
                continue
            if locked.file_name:
                storage.delete(locked.file_name)
            locked.status, locked.file_name = DataExport.Status.EXPIRED, ""
            locked.save(update_fields=["status", "file_name"])
            expired += 1
    from .tasks import build_export

    for pk in DataExport.objects.filter(status=DataExport.Status.PENDING, created_at__lte=now - LOST_EXPORT_AFTER) \
            .values_list("pk", flat=True):
        broker.publish(build_export, pk)
    return expired


# --- Delete my account --------------------------------------------------------------------------

def deletion_plan(*, user) -> list[str]:
    """What deleting the account will do, app by app, in the person's words."""
    lines = []
    for provider in registry.with_function("deletion_plan_for_user"):
        lines += provider.call("deletion_plan_for_user", user=user)
    return lines


def deletion_refusal(*, user) -> str:
    if user.is_superuser:
        return _("A site admin's account cannot be deleted here: ask another site admin to remove your admin "
                 "rights first.")
    return ""


def account_delete(*, user, actor, confirmation: str) -> dict:
    """Erase or anonymise everything about `user`, app by app (top-down, accounts last), in one transaction.

    Open mentorships end and their coordinators and partners are told (after commit)."""
    if actor.pk != user.pk:
        raise PermissionDenied
    refusal = deletion_refusal(user=user)
    if refusal:
        raise PermissionDenied(refusal)
    if confirmation.strip().lower() != user.email.lower():
        raise ValidationError({"confirmation": _("Type your email address exactly as shown to confirm.")})
    summary, handovers = {}, []
    with transaction.atomic(), acting_as(actor):
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        for export in DataExport.objects.filter(user=user).exclude(file_name=""):
            name = export.file_name
            transaction.on_commit(lambda name=name: export_storage().delete(name))
        DataExport.objects.filter(user=user).delete()
        for provider in registry.with_function("erase_for_user", top_down=True):
            result = provider.call("erase_for_user", user=user) or {}
            handovers += result.pop("handovers", [])
            summary[provider.label] = result
        summary["handovers"] = len(handovers)
        _notify_handovers(user=user, handovers=handovers)
    return summary


def _coordinators_of(program: Program) -> list:
    coordinators = list(program.coordinators.filter(is_active=True).select_related("profile"))
    if coordinators:
        return coordinators
    return list(get_user_model().objects.filter(is_superuser=True, is_active=True).select_related("profile"))


def _notify_handovers(*, user, handovers: list[dict]) -> None:
    """Tell the coordinators and the other participant what ended. The person who left is named by role only."""
    if not handovers:
        return
    cohorts = Cohort.objects.select_related("program").in_bulk({h["cohort_id"] for h in handovers})
    others = get_user_model().objects.select_related("profile").in_bulk(
        {h["other_user_id"] for h in handovers if h.get("other_user_id")})
    coordinators = {}
    for index, handover in enumerate(handovers):
        cohort = cohorts[handover["cohort_id"]]
        if cohort.program_id not in coordinators:
            coordinators[cohort.program_id] = _coordinators_of(cohort.program)
        context = {"program": cohort.program.name, "cohort": cohort.name, "what": handover["what"],
                   "role": handover.get("role", ""), "url": handover.get("url", "")}
        for coordinator in coordinators[cohort.program_id]:
            notify(user=coordinator, kind="privacy_participant_left",
                   key=f"privacy:left:{user.pk}:{index}:{coordinator.pk}",
                   context={**context, "name": coordinator.get_full_name(), "audience": "coordinator"})
        other = others.get(handover.get("other_user_id"))
        if other is not None and other.is_active:
            notify(user=other, kind="privacy_participant_left", key=f"privacy:left:{user.pk}:{index}:{other.pk}",
                   context={**context, "name": other.get_full_name(), "audience": "participant"})


# --- Retention and purge ------------------------------------------------------------------------

def purge_due_date(cohort: Cohort):
    """The first day the cohort's sensitive data may be purged: its end plus the program's retention."""
    months = cohort.program.retention_months
    years, month = divmod(cohort.ends_on.month - 1 + months, 12)
    year, month = cohort.ends_on.year + years, month + 1
    return cohort.ends_on.replace(year=year, month=month, day=min(cohort.ends_on.day, monthrange(year, month)[1]))


def cohorts_due_for_purge(*, today=None) -> list[Cohort]:
    today = today or timezone.localdate()
    candidates = Cohort.objects.filter(ends_on__lt=today, privacy_purge__isnull=True).select_related("program") \
        .order_by("ends_on", "pk")
    return [cohort for cohort in candidates if purge_due_date(cohort) <= today]


def cohort_statistics(cohort: Cohort) -> dict:
    """The cohort's row of the program statistics, as stored before a purge."""
    from mentoring.selectors.statistics import program_statistics

    for row in program_statistics(program=cohort.program)["rows"]:
        if row.cohort.pk == cohort.pk:
            return {"applications": row.applications, "accepted": row.accepted, "mentorships": row.mentorships,
                    "completed": row.completed, "ended_early": row.ended_early,
                    "rating_about_mentee": row.rating_about_mentee, "rating_about_mentor": row.rating_about_mentor}
    return {}


def cohort_purge(*, cohort: Cohort, dry_run: bool = False) -> dict:
    """Purge (or, for a dry run, only count) one cohort's sensitive data, app by app. Safe to run twice."""
    with transaction.atomic(), acting_as(None):
        locked = Cohort.objects.select_for_update().select_related("program").get(pk=cohort.pk)
        if CohortPurge.objects.filter(cohort=locked).exists():
            return {}
        statistics = cohort_statistics(locked)  # before anything goes
        removed = {}
        for provider in registry.with_function("purge_for_cohort"):
            removed.update(provider.call("purge_for_cohort", cohort=locked, dry_run=dry_run) or {})
        if not dry_run:
            CohortPurge.objects.create(cohort=locked, removed=removed, statistics=statistics)
    return removed


def purge_finished_cohorts(*, dry_run: bool = False, today=None) -> dict[Cohort, dict]:
    return {cohort: cohort_purge(cohort=cohort, dry_run=dry_run) for cohort in cohorts_due_for_purge(today=today)}
