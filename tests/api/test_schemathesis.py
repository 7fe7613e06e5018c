"""Schemathesis against `/api/schema/`: generated requests (valid and invalid) to every operation of the
API, in-process (WSGI), each checked for no server error and a response that matches the schema
(status code, headers, body). Few examples per operation, so the run stays well under two minutes.

Driven through hypothesis directly: schemathesis' pytest plugin (`from_fixture`) does not run under
pytest 9, and loading the schema needs the database, which collection may not use."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from partnership.wsgi import application
from tests.offers.factories import OfferFactory

pytestmark = pytest.mark.django_db

EXAMPLES = 12


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """As Django's test client does: a request's end must not close the test transaction's connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_every_api_response_matches_the_schema(settings, wsgi_keeps_the_test_connection):
    settings.API_ANON_RATE = "100000/minute"
    OfferFactory.create_batch(3)
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 10  # list and detail of offers, communes, départements, régions, programmes

    checked_negative_only_where_possible: list[str] = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @hypothesis_settings(
                max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
            )
            def check(case):
                response = case.call()
                assert response.status_code < 500, f"{case.method} {case.formatted_path} {case.query}"
                # A request the schema allows may still be refused with a documented 400: a commune that
                # does not exist, `rayon` without a commune, `duree_min` above `duree_max`.
                case.validate_response(response, excluded_checks=[positive_data_acceptance])

            try:
                check()
            except Unsatisfiable:
                # Nothing in the operation can be made invalid (no parameter, or a path of any text).
                assert mode == GenerationMode.NEGATIVE, operation.label
                checked_negative_only_where_possible.append(operation.label)
    # The filtered lists had invalid requests too (the others have nothing that can be made invalid).
    assert not {"GET /api/v1/offres/", "GET /api/v1/communes/"} & set(checked_negative_only_where_possible)
