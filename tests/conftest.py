"""Shared fixtures. Django imports stay inside the fixtures, so that the pure engine's tests
(tests/scoring) also run without Django (``-p no:django``)."""

import pytest


@pytest.fixture
def world(db):
    """The canonical agency (see tests/factories.py)."""
    from tests.factories import build_canonical_agency

    return build_canonical_agency()


@pytest.fixture
def client_as(client, world):
    """``client_as(Role.HR)``: the test client signed in as that role's canonical user."""

    def sign_in(role: str):
        client.force_login(world.users[role])
        return client

    return sign_in


@pytest.fixture
def count_queries():
    """``with count_queries() as counter: ...``; ``counter.report()`` lists every query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    class QueryCounter(CaptureQueriesContext):
        def __init__(self):
            super().__init__(connection)

        def report(self) -> str:
            return "\n".join(f"{index + 1}. {query['sql']}" for index, query in enumerate(self.captured_queries))

    return QueryCounter


def __getattr__(name):
    # ``from tests.conftest import ALL_ROLES`` without importing Django when this module loads.
    if name == "ALL_ROLES":
        from congtam.accounts.models import Role

        return list(Role.values)
    raise AttributeError(name)
