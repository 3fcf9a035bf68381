"""Prometheus metrics beyond django-prometheus's request latency and counts.

Read from Postgres and Redis at scrape time, so every web and worker process reports the same
numbers (prometheus_client's default registry is per process): the outbox, the Celery queue and
matching-run durations. A failing read is counted, never raised.
"""
import logging
from datetime import timedelta

from django.conf import settings
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger(__name__)
QUEUE_NAMES = ("celery",)


class OperationsCollector:
    def describe(self):
        return []  # nothing to read at registration (apps are still loading)

    def collect(self):
        errors = GaugeMetricFamily("mentorship_metrics_read_errors", "Reads that failed in this scrape", labels=["source"])
        for source, read in (("outbox", self._outbox), ("queue", self._queue), ("matching", self._matching)):
            try:
                yield from read()
            except Exception:  # a scrape must answer even when a store is down
                logger.warning("metrics: could not read %s", source, exc_info=True)
                errors.add_metric([source], 1)
        yield errors

    def _outbox(self):
        from django.db.models import Count

        from notifications.models import Notification

        counts = dict(Notification.objects.filter(
            status__in=["pending", "sending", "failed"]).values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
        gauge = GaugeMetricFamily("mentorship_outbox_notifications", "Outbox rows by status", labels=["status"])
        for status in ("pending", "sending", "failed"):
            gauge.add_metric([status], counts.get(status, 0))
        yield gauge

    def _queue(self):
        gauge = GaugeMetricFamily("mentorship_celery_queue_length", "Messages waiting in the broker", labels=["queue"])
        if settings.REDIS_URL:
            import redis

            client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=0.5, socket_connect_timeout=0.5)
            for name in QUEUE_NAMES:
                gauge.add_metric([name], client.llen(name))
        yield gauge

    def _matching(self):
        from django.db.models import F
        from django.utils import timezone

        from matching.models import MatchRun

        since = timezone.now() - timedelta(hours=24)
        rows = list(MatchRun.objects.filter(finished_at__gte=since, started_at__isnull=False)
                    .annotate(took=F("finished_at") - F("started_at")).values_list("status", "took"))
        runs = GaugeMetricFamily("mentorship_match_runs_last_24h", "Matching runs finished in the last 24 h",
                                 labels=["status"])
        for status in ("done", "failed"):
            runs.add_metric([status], sum(1 for s, _ in rows if s == status))
        yield runs
        durations = sorted(took.total_seconds() for status, took in rows if status == "done")
        gauge = GaugeMetricFamily("mentorship_match_run_seconds", "Duration of matching runs done in the last 24 h",
                                  labels=["stat"])
        for stat, value in (("p50", _quantile(durations, 0.5)), ("p95", _quantile(durations, 0.95)),
                            ("max", durations[-1] if durations else 0.0)):
            gauge.add_metric([stat], value)
        yield gauge
        active = MatchRun.objects.filter(status__in=["queued", "running"]).count()
        yield GaugeMetricFamily("mentorship_match_runs_active", "Matching runs queued or running", value=active)


def _quantile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    return values[min(len(values) - 1, int(q * len(values)))]


_registered = False


def register() -> None:
    global _registered
    if _registered:
        return
    from prometheus_client import REGISTRY

    REGISTRY.register(OperationsCollector())
    _registered = True
