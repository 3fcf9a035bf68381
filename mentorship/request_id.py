"""A request id that follows a request into the log lines it writes and the tasks it queues.

The web side binds it per request (RequestIdMiddleware); Celery carries it in a message header
(before_task_publish) and the worker binds it while the task runs (task_prerun). Log records get it
from RequestIdFilter, so every line says which request it belongs to.
"""
import contextvars
import logging

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
HEADER = "mentorship_request_id"


def bind_request_id(value: str) -> None:
    _request_id.set(value)


def clear_request_id() -> None:
    _request_id.set("")


def get_request_id() -> str:
    return _request_id.get()


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        if not getattr(record, "request_id", ""):
            record.request_id = _request_id.get() or "-"
        return True


def add_request_id_header(headers=None, **kwargs):
    """before_task_publish: the id of the request (or task) that queues this task."""
    request_id = get_request_id()
    if request_id and headers is not None:
        headers.setdefault(HEADER, request_id)


def bind_task_request_id(task=None, **kwargs):
    """task_prerun: the queued task logs under the id of the request that queued it (or its own id)."""
    request = getattr(task, "request", None)
    value = getattr(request, HEADER, None)
    bind_request_id(value or f"task-{getattr(request, 'id', None) or ''}")


def unbind_task_request_id(**kwargs):
    clear_request_id()


def connect_celery_signals() -> None:
    from celery.signals import before_task_publish, task_postrun, task_prerun

    before_task_publish.connect(add_request_id_header, weak=False, dispatch_uid="mentorship.request_id.publish")
    task_prerun.connect(bind_task_request_id, weak=False, dispatch_uid="mentorship.request_id.prerun")
    task_postrun.connect(unbind_task_request_id, weak=False, dispatch_uid="mentorship.request_id.postrun")
