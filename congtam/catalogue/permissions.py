"""Who may change a catalogue: HR and the administrator; everyone signed in reads them."""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from congtam.accounts.permissions import is_hr, is_signed_in
from congtam.core.permissions import declare


@rules.predicate
def is_the_system(user) -> bool:
    """A command or the demo, which act with no account."""
    return user is None


declare("catalogue.view", is_signed_in, _("Sign in to see the catalogues."))
declare("catalogue.change", is_hr | is_the_system, _("Only HR and the administrator may change a catalogue."))
