"""Schemathesis (4.x) against the live test server: examples generated from the published schema, a bounded
number per operation. No 500s, every answer matches the schema (status, content type, headers, body), and
every operation that needs a person refuses an anonymous call.
"""
import re
import time

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.tests.world import build_api_world

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES = 10  # per operation and per kind of path (generated ids, the world's own ids)
APPLICANT_PATHS = ("/api/v1/me/applications/", "/api/v1/applications/{id}/submit/",
                   "/api/v1/applications/{id}/withdraw/", "/api/v1/mentorships/",
                   "/api/v1/instalments/", "/api/v1/instalments/{id}/")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


def _real_ids(world, path: str) -> dict:
    """Path ids that point at the world's objects, so generated examples also reach real rows."""
    o = world.o
    by_prefix = {"/api/v1/applications/": o["submitted"], "/api/v1/match-runs/": o["run"],
                 "/api/v1/proposals/": o["proposal"], "/api/v1/enrollments/": o["pending"],
                 "/api/v1/mentorships/": o["mentorship"], "/api/v1/cohorts/": o["cohort"],
                 "/api/v1/instalments/": o["instalment"]}
    for prefix, obj in by_prefix.items():
        if path.startswith(prefix + "{id}"):
            return {"id": obj.pk}
    if "{slug}" in path:
        return {"slug": o["program"].slug}
    return {}


def _fuzz(operation, *, base_url: str, headers: dict, path_parameters: dict) -> None:
    @given(case=operation.as_strategy(path_parameters=path_parameters or None))
    @hypothesis_settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                         phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def run(case):
        response = case.call(base_url=base_url, headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)

    run()


def test_the_api_holds_to_its_schema_for_generated_requests(live_server, settings):
    settings.API_RATE_LIMITS = {"token": "100000/hour", "anonymous": "100000/hour"}
    settings.SITE_URL = live_server.url
    world = build_api_world()
    started = time.monotonic()
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    coordinator = {"Authorization": f"Bearer {world.tokens['coordinator']}"}
    applicant = {"Authorization": f"Bearer {world.tokens['applicant']}"}
    for operation in operations:
        real = _real_ids(world, operation.path)
        _fuzz(operation, base_url=live_server.url, headers=coordinator, path_parameters={})
        if real:
            _fuzz(operation, base_url=live_server.url, headers=coordinator, path_parameters=real)
        if operation.path in APPLICANT_PATHS:  # what only the applicant gets: their own rows and writes
            _fuzz(operation, base_url=live_server.url, headers=applicant, path_parameters=real)
    elapsed = time.monotonic() - started
    assert elapsed < 120, f"schemathesis took {elapsed:.0f} s"


def test_every_operation_that_needs_a_person_refuses_anonymous_calls(live_server):
    world = build_api_world()
    schema = requests.get(f"{live_server.url}/api/schema/?format=json", timeout=10).json()
    refused = 0
    for path, item in schema["paths"].items():
        ids = _real_ids(world, path)
        url = live_server.url + re.sub(r"\{([a-z_]+)\}", lambda m, ids=ids: str(ids.get(m.group(1), 1)), path)
        for method, operation in item.items():
            public = {} in operation.get("security", [])
            response = requests.request(method, url, json={}, timeout=10)
            assert response.status_code < 500, (method, path)
            if not public:
                assert response.status_code == 401, (method, path, response.status_code)
                assert response.headers["WWW-Authenticate"] == "Bearer"
                refused += 1
            else:
                assert response.status_code == 200, (method, path, response.status_code)
    assert refused >= 15
