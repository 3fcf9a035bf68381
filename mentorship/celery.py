"""The Celery app. Tasks are discovered in each installed app's tasks.py.

The beat schedule lives here, in code, so that exactly one beat process runs it.
"""
import os

# One BLAS thread per worker process unless configured: a worker's small dense products gain
# nothing from more threads and would fight the web server for the cores.  Set before numpy
# loads (this module is imported first, by mentorship/__init__.py).  OMP_NUM_THREADS is left
# alone: it would also shrink the matching engine's numba thread pool (OpenMP layer), whose
# row-parallel kernels do use the cores.
for _var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS"):
    os.environ.setdefault(_var, "1")

from celery import Celery  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings.local")

app = Celery("mentorship")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
