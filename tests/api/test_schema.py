"""The published OpenAPI document, fuzzed by schemathesis in-process (Django's WSGI app): every operation, bounded
examples, with a partner key so that authenticated operations run past authentication. No answer may be a server
error, and every answer must match the document (status, content type, headers, body)."""

import json
from datetime import timedelta

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test
from schemathesis.specs.openapi.checks import positive_data_acceptance

from config.wsgi import application
from relais.api.api import api
from relais.api.enums import Scope
from relais.api.models import ApiKey
from relais.api.services.keys import digest
from relais.conseillers_entreprises.models import Landing

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 15
# positive_data_acceptance expects every schema-valid body to be accepted; ours also obey rules a schema cannot say
# (a landing of the caller, a SIRET with a valid checksum, a description in the company's own words): they answer
# 422, documented, and the other checks (no 5xx, documented status, content type, headers and body) still apply.
EXCLUDED_CHECKS = [positive_data_acceptance]


DOCUMENT_URL = "/api/v1/openapi.json"


def _document() -> dict:
    # What DOCUMENT_URL serves (test_the_document_is_the_published_one); built here because collection may not
    # touch the database, which the middleware of every request reads.
    return api.get_openapi_schema(path_params={})


schema = schemathesis.openapi.from_dict(json.loads(json.dumps(_document())))
schema.app = application
schema.location = DOCUMENT_URL


# A key of the fixture's partner with a secret known in advance, for the fuzzer's auth provider below.
FUZZ_SECRET = "rls_" + "f" * 43


@schema.auth(refresh_interval=None)
class PartnerKey:
    def get(self, case, context):
        return FUZZ_SECRET

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture
def wsgi_in_test_transaction():
    """Requests sent straight to the WSGI app end with Django's close_old_connections, which closes a PostgreSQL
    connection held in the test's transaction; Django's own test client unhooks it the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def partner_data(wsgi_in_test_transaction, landing, partner, establishment):
    # Quota lifted: the fuzzer sends more requests than one window allows, and 429 would hide the operations.
    ApiKey.objects.create(
        partner=partner,
        name="Fuzz",
        prefix=FUZZ_SECRET[:12],
        digest=digest(FUZZ_SECRET),
        scopes=[Scope.CE_READ, Scope.CE_FILE],
        expires_at=timezone.now() + timedelta(days=1),
        quota=1_000_000,
    )
    Landing.objects.filter(slug="rh-mon-entreprise-urssaf-fr").update(institution=landing.institution)
    # The landing of the document's example, so that the example files a request and the links can follow it.
    Landing.objects.create(
        slug="ma-page-partenaire",
        title="Ma page partenaire",
        partner_url="https://partenaire.example.fr",
        institution=landing.institution,
    )


def test_the_document_is_the_published_one(client):
    response = client.get(DOCUMENT_URL)
    assert response.status_code == 200
    assert response.json() == json.loads(json.dumps(_document()))


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_operation_conforms_to_the_document(case, partner_data):
    case.call_and_validate(excluded_checks=EXCLUDED_CHECKS)


def test_stateful_links_file_then_follow(partner_data):
    """Scenarios chained by the document's links: a request filed by POST is then read by its `id`."""

    class Scenarios(schema.as_state_machine()):
        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(
                response, additional_checks=additional_checks, excluded_checks=EXCLUDED_CHECKS, transport_kwargs=kwargs
            )

    run_state_machine_as_test(
        Scenarios,
        settings=settings(
            max_examples=MAX_EXAMPLES,
            stateful_step_count=4,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )


def test_the_documented_example_files_a_request(client, partner_data):
    example = schema.raw_schema["components"]["schemas"]["SolicitationIn"]["example"]
    response = client.post(
        "/api/v1/solicitations",
        example,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="exemple",
        HTTP_AUTHORIZATION=f"Bearer {FUZZ_SECRET}",
    )
    assert response.status_code == 201, response.content
