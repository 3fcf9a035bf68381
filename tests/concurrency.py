"""Run the same action from many threads at the same moment (each with its own DB connection)."""
import threading

from django.db import connections


def run_concurrently(action, items, *, timeout: float = 60) -> list:
    """Call action(item) for every item in its own thread, all released together.

    Returns what each call returned, or the exception it raised, in the order of `items`.
    """
    barrier = threading.Barrier(len(items))
    results: list = [None] * len(items)

    def run(index, item):
        try:
            barrier.wait(timeout=30)
            results[index] = action(item)
        except Exception as exc:  # the caller inspects what each thread got
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, item)) for i, item in enumerate(items)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results
