import hmac
import logging
import os

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def home(request):
    if request.user.is_authenticated:
        return redirect("accounts:dashboard")
    return render(request, "home.html")


@never_cache
@require_GET
def healthz(request):
    """Liveness: the process answers. Touches nothing (no database, no Redis), so it stays fast under
    load and a busy database never gets a healthy instance killed."""
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_redis() -> None:
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=0.5, socket_connect_timeout=0.5)
    try:
        client.ping()
    finally:
        client.close()


@never_cache
@require_GET
def readyz(request):
    """Readiness: Postgres and Redis answer. 503 names what failed, so the load balancer stops sending
    traffic and the operator knows where to look."""
    checks = {"database": _check_database}
    if settings.REDIS_URL:
        checks["redis"] = _check_redis
    results, failed = {}, []
    for name, check in checks.items():
        try:
            check()
        except Exception as exc:  # any failure means "not ready"; the reason goes to the log
            logger.warning("readyz: %s failed: %s: %s", name, type(exc).__name__, exc)
            results[name], failed = f"failed: {type(exc).__name__}", [*failed, name]
            if name == "database":
                connection.close_if_unusable_or_obsolete()
        else:
            results[name] = "ok"
    body = {"status": "ok" if not failed else "unavailable", "checks": results, "failed": failed}
    return JsonResponse(body, status=503 if failed else 200)


@never_cache
@require_GET
def metrics(request):
    """Prometheus metrics, for a scraper holding METRICS_TOKEN (Authorization: Bearer ...).

    Without METRICS_TOKEN the endpoint does not exist (404): metrics name internals.
    """
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not token or not hmac.compare_digest(given.encode(), token.encode()):
        raise Http404
    import prometheus_client
    from prometheus_client import multiprocess

    from .metrics import OperationsCollector

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # gunicorn: add up every worker's samples
        registry = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(OperationsCollector())
    else:
        registry = prometheus_client.REGISTRY
    return HttpResponse(prometheus_client.generate_latest(registry), content_type=prometheus_client.CONTENT_TYPE_LATEST)
