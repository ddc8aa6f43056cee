"""Property-based tests of the whole JSON API with schemathesis, in-process (no server).

Every operation of /api/v1/openapi.json gets at least 100 generated requests (derandomised,
so a run is reproducible), signed in as a North practitioner with a read-write API token and
records to find (ids 1, 2, … exist, and hypothesis tries small integers first). Each response
is checked for server errors (5xx), a status code the schema declares, the declared content
type and a body that conforms to the declared response schema. Zero failures expected.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kith.accounts.actions import do_create_api_token
from kith.accounts.models import TokenScope
from kith.accounts.testing import make_map, make_person, make_world
from kith.maps.models import MapStatus
from kith.wsgi import application

EXAMPLES_PER_OPERATION = 100
# The checks the issue asks for. Not "positive_data_acceptance": a schema-valid request for a
# record id that does not exist is rightly answered 404.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

MEMBERS = [
    {"key": "mum", "label": "Mum", "relationship": "family", "circle": 1},
    {"key": "park", "label": "Park", "kind": "place", "circle": 3},
]


@pytest.fixture
def token(django_db_blocker: Any, db: None) -> Iterator[str]:
    """A read-write token of a North practitioner whose team has people, maps and plans."""
    world = make_world()
    for name in ("Casey", "Drew"):
        person = make_person(world.north, name)
        make_map(person, MEMBERS, [("mum", "park")], status=MapStatus.FINAL)
        make_map(person, MEMBERS, [("mum", "park")])
    make_person(world.south, "Other team")
    _, text = do_create_api_token(
        world.users["ana"], name="schemathesis", scope=TokenScope.WRITE, days=30
    )
    # The WSGI handler would close the test's transaction-wrapped connection at each request
    # (Django's test client disconnects this signal the same way).
    request_started.disconnect(close_old_connections)
    try:
        yield text
    finally:
        request_started.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case: schemathesis.Case, token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
