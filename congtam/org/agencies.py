"""Which agencies a viewer may open, and the agency they are working in.

An installation holds a tree of agencies (a province and its departments and communes; a
ministry and its Tổng cục, Cục, Vụ). A person works in their own agency and, looking down, in
the agencies below it; never in a sibling's or a superior's. The installation's administrators
(accounts without a person record) open every agency.

Pages whose addresses carry a period or a year resolve codes within that period's or year's
agency. The organisation and catalogue pages work in the *current* agency: the one the viewer
last chose from those open to them (kept in the session), else their own, else the top of the
tree. Unit, position and staff codes in those addresses are read within it.
"""

from __future__ import annotations

from django.db.models import QuerySet

from congtam.org.models import Agency, Person
from congtam.org.services import default_agency

SESSION_KEY = "congtam.agency"


def own_agency(viewer) -> Agency | None:
    """The agency of the viewer's person record (None for an account without one)."""
    person_id = getattr(viewer, "person_id", None)
    if person_id is None:
        return None
    person = Person.objects.select_related("agency").only("agency").filter(pk=person_id).first()
    return person.agency if person is not None else None


def agencies_open_to(viewer, *, own: Agency | None = None) -> QuerySet[Agency]:
    """The viewer's agency and the agencies below it, in tree order; every agency for an
    account without a person record."""
    own = own if own is not None else own_agency(viewer)
    agencies = Agency.objects.order_by("path")
    if own is None:
        return agencies if getattr(viewer, "person_id", None) is None else agencies.none()
    return agencies.filter(path__startswith=own.path)


def current_agency(request) -> Agency | None:
    """The agency the viewer works in now (see the module); cached on the request."""
    cached = getattr(request, "_congtam_agency", False)
    if cached is not False:
        return cached
    viewer = request.user
    own = own_agency(viewer)
    chosen_id = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    agency = None
    if chosen_id is not None:
        agency = agencies_open_to(viewer, own=own).filter(pk=chosen_id).first()
    if agency is None:
        agency = own or (default_agency() if getattr(viewer, "person_id", None) is None else None)
    request._congtam_agency = agency
    return agency


def agency_choose(request, agency_id: int) -> Agency | None:
    """Make ``agency_id`` the current agency, if it is open to the viewer; None otherwise."""
    agency = agencies_open_to(request.user).filter(pk=agency_id).first()
    if agency is not None:
        request.session[SESSION_KEY] = agency.pk
        request._congtam_agency = agency
    return agency
