"""Audit events of the year-end documents: every download is logged (the forms carry the reasons
of a person's level, which may come from sensitive facts)."""

from django.utils.translation import gettext_lazy as _

from congtam.audit.events import register

FORM_DOWNLOADED = register("yearend.form.downloaded", _("Evaluation form downloaded"))
SUMMARY_DOWNLOADED = register("yearend.summary.downloaded", _("Summary of results downloaded"))
ARCHIVE_DOWNLOADED = register("yearend.forms_archive.downloaded", _("Archive of evaluation forms downloaded"))
MINUTES_DOWNLOADED = register("yearend.minutes.downloaded", _("Unit meeting minutes downloaded"))
