"""The worker process runs BLAS on one thread unless configured (set before numpy loads)."""

from __future__ import annotations

import ctypes
import glob
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
VARS = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")

PROBE = f"VARS = {VARS!r}\n" + """
import json, os, sys
import mentorship.celery  # what a worker imports first (-A mentorship)
import numpy as np
threads = None
libs = __import__("glob").glob(os.path.join(os.path.dirname(np.__file__) + ".libs", "libscipy_openblas*.so"))
if libs:
    lib = __import__("ctypes").CDLL(libs[0])
    threads = lib.scipy_openblas_get_num_threads64_()
print(json.dumps({"env": {k: os.environ.get(k) for k in VARS}, "openblas_threads": threads}))
"""


def probe(**env_overrides) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in VARS}
    env.update(env_overrides)
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def openblas_available() -> bool:
    libs = glob.glob(os.path.join(os.path.dirname(np.__file__) + ".libs", "libscipy_openblas*.so"))
    return bool(libs) and hasattr(ctypes.CDLL(libs[0]), "scipy_openblas_get_num_threads64_")


def test_worker_process_uses_one_blas_thread_by_default():
    got = probe()
    assert got["env"]["OPENBLAS_NUM_THREADS"] == "1" and got["env"]["MKL_NUM_THREADS"] == "1"
    assert got["env"]["OMP_NUM_THREADS"] is None  # left alone: the engine's numba pool uses OpenMP
    if openblas_available():
        assert got["openblas_threads"] == 1


def test_an_operator_setting_wins():
    got = probe(OPENBLAS_NUM_THREADS="2")
    assert got["env"]["OPENBLAS_NUM_THREADS"] == "2"
    if openblas_available() and (os.cpu_count() or 1) >= 2:
        assert got["openblas_threads"] == 2


@pytest.mark.skipif(not openblas_available(), reason="numpy is not linked to the bundled OpenBLAS")
def test_the_default_really_differs_from_numpy_without_the_setting():
    env = {k: v for k, v in os.environ.items() if k not in VARS}
    code = "import numpy as np, ctypes, glob, os; " \
           "lib = ctypes.CDLL(glob.glob(os.path.dirname(np.__file__) + '.libs/libscipy_openblas*.so')[0]); " \
           "print(lib.scipy_openblas_get_num_threads64_())"
    plain = int(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout)
    assert plain == (os.cpu_count() or 1)  # without the default numpy would use every core
