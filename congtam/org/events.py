from django.utils.translation import gettext_lazy as _

from congtam.audit.events import register

AGENCY_CREATED = register("org.agency.created", _("Agency created"))
AGENCY_UPDATED = register("org.agency.updated", _("Agency updated"))
UNIT_CREATED = register("org.unit.created", _("Unit created"))
UNIT_UPDATED = register("org.unit.updated", _("Unit updated"))
UNIT_MOVED = register("org.unit.moved", _("Unit moved in the tree"))
POSITION_CREATED = register("org.position.created", _("Job position created"))
POSITION_UPDATED = register("org.position.updated", _("Job position updated"))
PERSON_CREATED = register("org.person.created", _("Person added"))
PERSON_UPDATED = register("org.person.updated", _("Person's record updated"))
PERSON_TRANSFERRED = register("org.person.transferred", _("Person transferred"))
PERSON_ROLE_CHANGED = register("org.person.role_changed", _("Person's role in the unit changed"))
PERSON_SENSITIVE_VIEWED = register("privacy.person.sensitive_viewed", _("Sensitive personal data viewed"))
ORG_EXPORTED = register("privacy.org.exported", _("Organisation exported (with sensitive personal data)"))
ORG_IMPORTED = register("org.import.completed", _("Organisation imported"))
AUTHORITY_OVERRIDDEN = register("org.authority.overridden", _("Evaluator or approver overridden"))
AUTHORITY_OVERRIDE_ENDED = register("org.authority.override_ended", _("Authority override ended"))
