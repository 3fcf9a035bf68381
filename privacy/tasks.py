"""Thin Celery tasks: ids in, a service call. Each is safe to run twice."""
from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services

TRANSIENT = (OperationalError, InterfaceError)


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5,
             soft_time_limit=600, time_limit=660)
def build_export(export_id: int) -> str:
    """Build one "download my data" archive and email its link."""
    return services.export_build(export_id=export_id)


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def purge_finished_cohorts() -> int:
    """Daily (beat): purge the sensitive data of cohorts past their retention; expire old exports."""
    services.export_expire()
    return len(services.purge_finished_cohorts())
