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


@shared_task(bind=True, acks_late=True)
def send_notification_batch(self, notification_ids: list[int]) -> dict:
    """Send a chunk; each row is locked and skipped once sent, so a redelivered chunk sends nothing twice."""
    counts: dict[str, int] = {}
    for notification_id in notification_ids:
        outcome = services.notification_send(notification_id=notification_id)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


@shared_task(acks_late=True)
def scan_due_reminders() -> dict:
    from .reminders import scan_due

    return scan_due()
