"""The gunicorn master's liveness server (mentorship/liveness.py): 200 while a worker heartbeats,
503 when none does or the master is stopping, and nothing but the two health paths. No database:
these tests have no django_db mark, so any query would fail them."""
import time

import pytest
import requests

from mentorship import liveness


class FakeTmp:
    def __init__(self, age: float):
        self.stamp = time.monotonic() - age

    def last_update(self):
        return self.stamp


class ClosedTmp:
    def last_update(self):
        raise ValueError("I/O operation on closed file")  # a worker reaped while we read


class FakeWorker:
    def __init__(self, tmp):
        self.tmp = tmp


class FakeArbiter:
    def __init__(self, *ages):
        self.WORKERS = {100 + i: FakeWorker(FakeTmp(age)) for i, age in enumerate(ages)}


@pytest.fixture
def serve():
    servers = []

    def start(arbiter, stale_after=5.0):
        server = liveness.start(arbiter, bind="127.0.0.1:0", stale_after=stale_after)
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_heartbeats_count_the_workers_that_touched_their_file_recently():
    arbiter = FakeArbiter(0.5, 3.0, 60.0)
    arbiter.WORKERS[999] = FakeWorker(ClosedTmp())
    assert liveness.heartbeats(arbiter, stale_after=5.0) == (4, 2)
    assert liveness.heartbeats(FakeArbiter(), stale_after=5.0) == (0, 0)


def test_alive_while_a_worker_heartbeats(serve):
    base = serve(FakeArbiter(0.2, 40.0))
    response = requests.get(f"{base}/healthz", timeout=5)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "workers": 2, "heartbeating": 1}
    assert response.headers["Cache-Control"] == "no-store"
    assert requests.head(f"{base}/livez", timeout=5).status_code == 200


def test_unavailable_when_every_worker_is_stuck_or_none_is_there(serve):
    stuck = requests.get(f"{serve(FakeArbiter(30.0, 31.0))}/healthz", timeout=5)
    assert stuck.status_code == 503 and stuck.json()["status"] == "unavailable"
    assert requests.get(f"{serve(FakeArbiter())}/healthz", timeout=5).status_code == 503


def test_unavailable_once_the_master_is_stopping(serve):
    server = liveness.start(FakeArbiter(0.1), bind="127.0.0.1:0", stale_after=5.0)
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        session = requests.Session()  # one keep-alive connection, as a load balancer keeps
        assert session.get(f"{base}/healthz", timeout=5).status_code == 200
        server.stopping = True
        assert session.get(f"{base}/healthz", timeout=5).status_code == 503
    finally:
        server.shutdown()
        server.server_close()


def test_other_paths_are_not_found(serve):
    base = serve(FakeArbiter(0.1))
    assert requests.get(f"{base}/admin/", timeout=5).status_code == 404
    assert requests.get(f"{base}/healthz?probe=1", timeout=5).status_code == 200


def test_bind_addresses():
    assert liveness.parse_bind("0.0.0.0:8001") == ("0.0.0.0", 8001)
    assert liveness.parse_bind(":8001") == ("0.0.0.0", 8001)
    assert liveness.parse_bind("[::1]:9000") == ("::1", 9000)
