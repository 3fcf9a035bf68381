from celery import shared_task

from . import services


@shared_task(acks_late=True)
def expire_mentorship_requests() -> int:
    return services.requests_expire()
