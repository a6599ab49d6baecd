"""Every route, for every role and anonymous, through a live server, as production runs: no
test transaction around the request, real HTTP, downloads read to the end. No answer may be a
server error (5xx); all of them are reported at once, with the server's traceback.

The GET walk visits each route with the objects the world fills it with (see routes.FILL),
inside and outside each role's units, then again with odd and hostile query strings. The POST
walk sends, for each route, every form the GET walk found on the pages (with what the page
offers, the blanks filled in), then hostile bodies: NUL, lone surrogates (invalid UTF-8 bytes
and the JSON escape), huge values, 10 MB bodies, deeply nested JSON.
"""

from __future__ import annotations

from congtam.accounts.models import Role
from tests.walk.client import ANONYMOUS
from tests.walk.routes import all_routes, has_rule, urls_of

ROLES = [*Role.values, ANONYMOUS]

# Query strings a page may be given: the filters its links use, and values no link would send.
ODD_QUERIES = [
    "page=2&year=2025&unit=VPL&group=CV&dimension=level&period=1&person=NS000038&version=1&missing=1&q=Nguyễn",
    "page=-1&year=0&unit=&group=&dimension=&period=-1&person=&version=0&q=a",
    "page=99999999999999999999&year=99999999999999999999&period=99999999999999999999"
    "&version=99999999999999999999&unit=khong-co&dimension=khong-co&part=score",
    "page=abc&year=abc&period=abc&version=abc&q=" + "x" * 5000,
]
HOSTILE_QUERIES = [
    "q=%00&unit=%00&page=%00&year=%00&person=%00&group=%00&dimension=%00&version=%00&period=%00",
    "q=%ED%A0%80&unit=%ED%A0%80&person=%FF%FE&group=%C0%AF",
]
QUERY_ROLES = [Role.HR, Role.MANAGER, Role.ADMIN, Role.STAFF]
# The roles hostile bodies are posted as: those whose views read the most of a request (HR and the
# administrator reach every form, a manager and a staff member their own); the others are refused
# before the body is read, as the GET walk shows for each of them.
BODY_ROLES = [Role.HR, Role.MANAGER, Role.STAFF, Role.ADMIN]


def test_every_route_can_be_filled():
    """A route with parameters and no way for the walk to fill them fails here, not silently."""
    missing = [route.key for route in all_routes() if not has_rule(route)]
    assert not missing, (
        f"Routes the walk cannot fill (add them to tests/walk/routes.py FILL, with objects in world.py): {missing}"
    )


def test_get_walk(walker):
    unfilled = []
    visited = set()
    for route in all_routes():
        urls = urls_of(route, walker.world)
        if not urls:
            unfilled.append(route.key)
            continue
        visited.add(route.key)
        for url in urls:
            for role in ROLES:
                walker.request(role, "GET", url, note=route.key)
        for query in ODD_QUERIES + HOSTILE_QUERIES:
            for role in QUERY_ROLES:
                walker.request(role, "GET", f"{urls[0]}?{query}", note=f"{route.key} (query)")
        for role in QUERY_ROLES:
            walker.request(
                role, "GET", f"{urls[0]}?part=score", note=f"{route.key} (htmx)", headers={"HX-Request": "true"}
            )
    walker.get_routes = len(visited)
    assert not unfilled, f"The world has no object to fill these routes with: {unfilled}"
    assert not walker.failures, walker.report()


# --- POST ----------------------------------------------------------------------------------------
# Forms the walk does not send as they are: signing out ends the walk's session, a password change
# or an admin deletion takes away the logins and objects the rest of the walk visits.
SKIPPED_ACTIONS = ("/logout/", "/password/", "/delete/", "/i18n/")

NUL, SURROGATE = "\x00", "\ud800"
# A lone surrogate cannot be encoded: sent as the bytes UTF-8 would give it, percent-encoded.
SURROGATE_BYTES = "%ED%A0%80"
HUGE = "x" * 200_000
TEN_MEGABYTES = 10 * 1024 * 1024 + 1
DEEP_JSON = "[" * 5000 + "]" * 5000
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def _encoded(pairs) -> str:
    from urllib.parse import quote

    return "&".join(f"{quote(name)}={quote(value)}" for name, value in pairs)


def _send_form(walker, role, form, pairs, note, *, raw=None, file_name="Báo cáo.pdf"):
    headers = {}
    if form.files:
        files = dict.fromkeys(form.files, (file_name, PDF, "application/pdf"))
        return walker.request(role, "POST", form.action, note=note, data=pairs, files=files)
    if raw is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        return walker.request(role, "POST", form.action, note=note, data=raw.encode(), headers=headers)
    return walker.request(role, "POST", form.action, note=note, data=pairs)


def _ensure_forms(walker):
    """The GET walk reads the forms; run alone (``-k post``), this walk reads them itself."""
    if walker.forms:
        return
    for route in all_routes():
        for url in urls_of(route, walker.world)[:1]:
            for role in QUERY_ROLES:
                walker.request(role, "GET", url, note=route.key)


def test_post_walk_forms(walker):
    """Every form a page offered each role, sent as a person would fill it in, then with NUL, a
    lone surrogate, huge values and a NUL in an uploaded file's name in each field one types into."""
    _ensure_forms(walker)
    sent = 0
    for role, forms in walker.forms.items():
        for form in forms.values():
            if any(part in form.action for part in SKIPPED_ACTIONS) or form.action.startswith("/login/"):
                continue
            form = form.with_token(walker.csrf(role))
            _send_form(walker, role, form, form.filled(), "form as filled in")
            if form.files:
                _send_form(walker, role, form, form.filled(), "NUL in the file's name", file_name="a\x00b.pdf")
            if form.has_text:
                _send_form(walker, role, form, form.hostile(NUL), "NUL in every field")
                _send_form(walker, role, form, form.hostile(HUGE), "200,000 characters in every field")
                if not form.files:
                    raw = _encoded(form.hostile("SURROGATE")).replace("SURROGATE", SURROGATE_BYTES)
                    _send_form(walker, role, form, None, "a lone surrogate in every field", raw=raw)
            sent += 1
    assert sent > 50, f"The pages offered only {sent} forms: the walk lost its way"
    assert not walker.failures, walker.report()


def test_post_walk_hostile_bodies(walker):
    """Every route, for the roles of BODY_ROLES, posted bodies no form would send: NUL and lone
    surrogates in form fields and in JSON, JSON nested 5,000 deep, and (for one role) a body over
    10 MB."""
    bodies = [
        ("application/x-www-form-urlencoded", b"q=%00&name=%00&reason=a%00b&code=%00", "NUL in a form"),
        (
            "application/x-www-form-urlencoded",
            f"name={SURROGATE_BYTES}&reason=%FF%FE".encode(),
            "invalid UTF-8 in a form",
        ),
        (
            "application/json",
            b'{"name": "\\ud800", "items": [{"source_id": "\\u0000"}]}',
            "lone surrogate and NUL in JSON",
        ),
        ("application/json", DEEP_JSON.encode(), "JSON nested 5,000 deep"),
        ("application/json", b'{"items": [', "JSON cut short"),
    ]
    for route in all_routes():
        urls = urls_of(route, walker.world)
        if not urls:
            continue
        url = urls[0]
        for role in BODY_ROLES:
            for content_type, body, note in bodies:
                headers = {"Content-Type": content_type}
                if url.startswith("/api/v1/") and walker.world.api_token:
                    headers["Authorization"] = f"Bearer {walker.world.api_token}"
                walker.request(role, "POST", url, note=f"{route.key}: {note}", data=body, headers=headers)
        walker.request(
            Role.HR,
            "POST",
            url,
            note=f"{route.key}: a body over 10 MB",
            data=b"reason=" + b"x" * TEN_MEGABYTES,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    assert not walker.failures, walker.report()
