"""The API keeps the promises of its OpenAPI schema: Schemathesis generates requests from
``/api/v1/schema/`` (valid and invalid ones) and runs every check on each answer — no 5xx, only
documented status codes and content types, answers that match their schema, invalid input
refused, a call without the token refused.

Through the app's WSGI handler with no test transaction around the requests (as gunicorn runs
them), signed in as a source system of Phòng Luật Hành chính, on the monitoring year of the
canonical agency with a few items already sent. Bounded and derandomized: the same cases on
every run."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from tests.api.conftest import item

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES = 100


# Loaded from the app itself (the schema is public: no database, no token); the lazy loader
# (schemathesis.pytest.from_fixture) fails under pytest 9 (it sets a node id pytest renamed).
#
# Every check runs, as the CLI's ``--checks all``. One is told what a write may answer: the schema
# gives an item's shape, but whether its staff code names a person of the system's units, its
# catalogue code a product of that person's position, its due date a day of the period, only the
# database knows; a well-formed item failing those is refused with 400 and its problems listed.
# Among the reads only the scores' unit is such a reference (a unit's code); any other
# schema-valid query must be answered.
CONFIG = SchemathesisConfig.from_str("""
[checks]
enabled = true

[[operations]]
include-method = ["POST", "PUT"]
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "404"]

[[operations]]
include-operation-id = "period_scores_list"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "404"]
""")
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application(), config=CONFIG)


@pytest.fixture
def sent(api):
    """A few items already sent, so that reads and updates find something."""
    batch = api.post(
        "/api/v1/work-items/batch", {"items": [item("GV-1"), item("GV-2", staff_code="NV022", catalogue_code="GY")]}
    )
    assert batch.status_code == 200, batch.content
    return api


@schema.parametrize()
@settings(
    derandomize=True,
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_the_api_keeps_the_promises_of_its_schema(case, sent):
    case.call_and_validate(headers={"Authorization": f"Bearer {sent.token}"})
