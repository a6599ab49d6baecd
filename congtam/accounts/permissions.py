"""What each role may do: the predicates every app's permissions are built from, and the
permissions of people's records.

Roles add to a staff member's rights; they never take them away:

* everyone signed in sees the organisation: units, people's names, positions, unit history and
  who evaluates and approves them;
* sensitive personal data (gender, birth date, ethnicity) is shown only to HR, the administrator
  and the person themselves;
* HR (and the administrator) manage the organisation: import, export, authority overrides and the
  list of people without a valid authority; leadership may read that list;
* the inspector (and the administrator) read the audit trail; the inspector changes nothing;
* nobody decides on their own record (a level, a fact, an amendment, an approval, the minutes
  about them, who evaluates them), whatever their role: a colleague with the same authority does.
  The law lets the person act on their own record only to assess themselves, acknowledge their
  result and appeal it.
"""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from congtam.accounts.models import Role
from congtam.core.permissions import Refused, declare


def signed_in(user) -> bool:
    """An active account (a source system's token or nobody is not)."""
    return user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)


def person_id(user) -> int | None:
    """The staff record of an active account, or None."""
    return getattr(user, "person_id", None) if signed_in(user) else None


def has_role(*roles: str):
    """The predicate "an active account with one of ``roles``"."""
    wanted = frozenset(roles)

    @rules.predicate(name="has_role(" + ", ".join(sorted(wanted)) + ")")
    def predicate(user) -> bool:
        return signed_in(user) and user.role in wanted

    return predicate


is_signed_in = rules.predicate(signed_in, name="is_signed_in")
is_hr = has_role(Role.HR, Role.ADMIN)  # HR, and the administrator who stands in for it
is_inspector = has_role(Role.INSPECTOR)
is_leadership = has_role(Role.LEADERSHIP)
is_admin = has_role(Role.ADMIN)
is_read_only = is_inspector  # the inspector reads everything and changes nothing


@rules.predicate
def is_the_person(user, person) -> bool:
    """``person`` (a staff record) is the account's own."""
    own = person_id(user)
    return own is not None and person is not None and own == person.pk


def is_own_record(actor, record_person_id: int | None) -> bool:
    """Whether ``actor`` is the person whose record ``record_person_id`` is."""
    own = getattr(actor, "person_id", None)
    return own is not None and record_person_id is not None and own == record_person_id


def refuse_own_record(actor, record_person_id: int | None) -> None:
    """Refuse a decision on one's own record (called first by every service that decides on a person)."""
    if is_own_record(actor, record_person_id):
        raise Refused(_("Nobody decides on their own record: a colleague with the same authority must do it."))


declare(
    "accounts.view_sensitive", is_hr | is_the_person, _("Sensitive personal data is shown to HR and the person only.")
)
declare("accounts.use_admin", is_hr)
