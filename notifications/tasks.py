"""Thin Celery tasks: ids in, a service call, retries with backoff."""
from celery import shared_task

from . import services


@shared_task(bind=True, acks_late=True, max_retries=10)
def send_notification(self, notification_id: int) -> str:
    outcome = services.notification_send(notification_id=notification_id)
    if outcome == "retry":
        from .models import Notification

        attempts = Notification.objects.filter(pk=notification_id).values_list("attempts", flat=True).first() or 1
        raise self.retry(countdown=services.retry_delay_seconds(attempts))
    return outcome


@shared_task(acks_late=True)
def dispatch_pending_notifications() -> int:
    return services.dispatch_pending()
