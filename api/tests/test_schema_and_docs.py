"""The OpenAPI schema validates and covers every endpoint; the documentation page renders under the site's CSP."""
import pytest
import yaml
from django.test import Client
from django.urls import reverse
from drf_spectacular.validation import validate_schema

from tests.url_walk import url_patterns

pytestmark = pytest.mark.django_db


def _schema() -> dict:
    response = Client().get(reverse("api:schema"))
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_the_schema_is_valid_openapi_3_and_lists_every_v1_endpoint():
    schema = _schema()
    validate_schema(schema)  # raises on an invalid document
    assert schema["openapi"].startswith("3.")
    v1 = {p for p in url_patterns() if p.namespace == "api" and p.name not in
          ("api:schema", "api:docs", "api:tokens", "api:token_revoke")}
    assert len(schema["paths"]) == len(v1)
    assert all(path.startswith("/api/v1/") for path in schema["paths"])
    assert "personalAccessToken" in schema["components"]["securitySchemes"]


def test_every_operation_documents_its_errors_and_gets_document_304():
    for path, item in _schema()["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            assert {"400", "401", "403", "404", "429"} <= codes, (method, path)
            assert ("304" in codes) == (method == "get"), (method, path)


def test_the_documentation_page_renders_every_operation_without_scripts_under_the_csp():
    response = Client().get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    for path in _schema()["paths"]:
        assert path in html
    assert "<script>" not in html and "style=" not in html
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert reverse("api:schema") in html


def test_the_docs_page_is_in_the_reader_s_language():
    html = Client().get(reverse("api:docs"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert 'lang="es"' in html


BAD = ("%00", "%FF", "%C3%28", "9" * 40, "-1", "2026-13-45T99:99")


def test_no_query_parameter_of_the_schema_answers_500_to_bad_bytes_or_numbers():
    from api.tests.world import build_api_world

    world = build_api_world()
    client = Client(raise_request_exception=False)
    for path, item in _schema()["paths"].items():
        if "get" not in item:
            continue
        url = path.replace("{id}", str(world.o["cohort"].pk)).replace("{slug}", world.o["program"].slug)
        for parameter in item["get"].get("parameters", []):
            if parameter["in"] != "query":
                continue
            for value in BAD:
                response = client.get(f"{url}?{parameter['name']}={value}", **world.headers("coordinator"))
                assert response.status_code in (200, 400, 404), (url, parameter["name"], value, response.status_code)
