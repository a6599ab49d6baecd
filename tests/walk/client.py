"""A real HTTP client for the walk: one ``requests`` session per role, signed in through the login
form, and a record of every answer of 500 or more with the server's traceback."""

from __future__ import annotations

import itertools
import threading
import traceback
from dataclasses import dataclass

import requests

from tests.walk.forms import Form, forms_of
from tests.walk.world import World

ANONYMOUS = "anonymous"
TIMEOUT = 120


@dataclass
class Failure:
    role: str
    method: str
    url: str
    status: int | str
    note: str
    traceback: str

    def __str__(self) -> str:
        lines = [f"{self.role} {self.method} {self.url} -> {self.status} {self.note}".rstrip()]
        if self.traceback:
            lines.append("    " + self.traceback.strip().replace("\n", "\n    "))
        return "\n".join(lines)


class ServerErrors:
    """Tracebacks of the exceptions the server's views raised, by the walk's request id (sent in
    a header): Django answers 500 and sends ``got_request_exception`` from inside its handler."""

    HEADER = "X-Walk-Request"

    def __init__(self):
        self._by_request: dict[str, str] = {}
        self._lock = threading.Lock()

    def receiver(self, sender, request=None, **kwargs):
        key = request.META.get("HTTP_X_WALK_REQUEST", "") if request is not None else ""
        with self._lock:
            self._by_request[key] = traceback.format_exc()

    def take(self, key: str) -> str:
        with self._lock:
            return self._by_request.pop(key, "")


class Walker:
    def __init__(self, base_url: str, world: World, errors: ServerErrors):
        self.base_url = base_url
        self.world = world
        self.errors = errors
        self.sessions: dict[str, requests.Session] = {}
        self.failures: list[Failure] = []
        self.counter = itertools.count(1)
        self.requests = 0
        self.get_routes = 0
        # The forms the pages offered each role, by (action, field names): read by the POST walk.
        self.forms: dict[str, dict[tuple, Form]] = {}

    # --- sessions ------------------------------------------------------------------------------
    def session(self, role: str) -> requests.Session:
        if role not in self.sessions:
            self.sessions[role] = self._sign_in(role)
        return self.sessions[role]

    def _sign_in(self, role: str) -> requests.Session:
        session = requests.Session()
        session.get(self.base_url + "/login/", timeout=TIMEOUT)
        if role == ANONYMOUS:
            return session
        response = session.post(
            self.base_url + "/login/",
            data={
                "username": self.world.usernames[role],
                "password": self.world.password,
                "csrfmiddlewaretoken": session.cookies.get("csrftoken", ""),
            },
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        assert response.status_code == 302 and "sessionid" in session.cookies, (
            f"{role} could not sign in: {response.status_code}"
        )
        return session

    def csrf(self, role: str) -> str:
        return self.session(role).cookies.get("csrftoken", "")

    # --- requests ------------------------------------------------------------------------------
    def request(
        self, role: str, method: str, url: str, *, note: str = "", headers=None, session=None, **kwargs
    ) -> requests.Response | None:
        key = str(next(self.counter))
        headers = {ServerErrors.HEADER: key, **(headers or {})}
        if method != "GET" and session is None and role != ANONYMOUS:
            headers.setdefault("X-CSRFToken", self.csrf(role))
        session = session or self.session(role)
        self.requests += 1
        try:
            response = session.request(
                method, self.base_url + url, headers=headers, allow_redirects=False, timeout=TIMEOUT, **kwargs
            )
            _ = response.content  # a download is read to its end, as a browser would
        except requests.RequestException as error:
            self.failures.append(Failure(role, method, url, type(error).__name__, note, self.errors.take(key)))
            return None
        if response.status_code >= 500:
            self.failures.append(Failure(role, method, url, response.status_code, note, self.errors.take(key)))
        elif (
            method == "GET" and response.status_code == 200 and "text/html" in response.headers.get("Content-Type", "")
        ):
            found = self.forms.setdefault(role, {})
            for form in forms_of(url, response.text):
                found.setdefault(form.key, form)
        return response

    def report(self) -> str:
        return f"{len(self.failures)} answers of 500 or more in {self.requests} requests:\n" + "\n".join(
            str(failure) for failure in self.failures
        )
