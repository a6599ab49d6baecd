import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from congtam.accounts.models import Role
from tests.factories import build_canonical_agency


@pytest.fixture
def world(db):
    """The canonical agency (see tests/factories.py)."""
    return build_canonical_agency()


@pytest.fixture
def client_as(client, world):
    """``client_as(Role.HR)``: the test client signed in as that role's canonical user."""

    def sign_in(role: str):
        client.force_login(world.users[role])
        return client

    return sign_in


ALL_ROLES = list(Role.values)


class QueryCounter(CaptureQueriesContext):
    def __init__(self):
        super().__init__(connection)

    def report(self) -> str:
        return "\n".join(f"{index + 1}. {query['sql']}" for index, query in enumerate(self.captured_queries))


@pytest.fixture
def count_queries():
    """``with count_queries() as counter: ...``; ``counter.report()`` prints every query."""
    return QueryCounter
