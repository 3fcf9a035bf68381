"""Direct requests in the due scan: a request past its answer-by time is expired by the same
scan that sends reminders (`manage.py run_due_scan`, the beat every few minutes)."""
from notifications import reminders as due_scan

from .services import requests_expire


@due_scan.register("mentor_requests.expire")
def expire_unanswered_requests(*, now) -> int:
    """Safe to run twice: each request is locked and skipped once it is no longer pending."""
    return requests_expire(now=now)
