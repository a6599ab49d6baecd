"""The API's fixtures, on the monitoring year of the canonical agency (tests/monitoring/conftest.py):
November 2026 open for Vụ Pháp luật, "today" 20/11/2026, catalogue BC/GY/TT for position CV."""

import json
from dataclasses import dataclass

import pytest

from tests.monitoring.conftest import TODAY, today, year  # noqa: F401  (fixtures reused, not copied)


@dataclass
class Caller:
    """The test client speaking as one source system."""

    client: object
    token: str
    system: object = None

    def _headers(self, language):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}
        if language:
            headers["HTTP_ACCEPT_LANGUAGE"] = language
        return headers

    def get(self, path, params=None, language=None):
        return self.client.get(path, params or {}, **self._headers(language))

    def send(self, method, path, body, language=None):
        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        return getattr(self.client, method)(path, data=data, content_type="application/json", **self._headers(language))

    def post(self, path, body, language=None):
        return self.send("post", path, body, language)

    def put(self, path, body, language=None):
        return self.send("put", path, body, language)


@pytest.fixture
def issue(year, client):
    """``issue("Hệ thống giao việc", ["VPL-P1"])`` -> a Caller with a fresh token for those units."""
    from congtam.accounts.models import Role
    from congtam.api.services import source_system_issue

    def make(name="Hệ thống giao việc", units=("VPL-P1",)):
        system, token = source_system_issue(
            actor=year.user(Role.HR), name=name, units=[year.world.units[code] for code in units]
        )
        return Caller(client=client, token=token, system=system)

    return make


@pytest.fixture
def api(issue):
    """A system of Phòng Luật Hành chính (VPL-P1): an (NV021), binh (NV022) and their head son (NV020)."""
    return issue()


def item(source_id="GV-1", staff_code="NV021", period="2026-11", **fields):
    body = {"source_id": source_id, "staff_code": staff_code, "period": period, "due_on": "2026-11-25"}
    if not {"catalogue_code", "name", "factor", "reason"} & set(fields):
        body["catalogue_code"] = "BC"
    body.update(fields)
    return {key: value for key, value in body.items() if value is not None}


def vi(message) -> str:
    """A message of another app (monitoring's rules), as the API says it: in Vietnamese."""
    from django.utils import translation

    with translation.override("vi"):
        return str(message)
