"""Audit events of the period summaries: every download of people's scores is logged."""

from django.utils.translation import gettext_lazy as _

from congtam.audit.events import register

SUMMARY_DOWNLOADED = register("monitoring.summary.downloaded", _("Period summary downloaded"))
SHEET_DOWNLOADED = register("monitoring.score_sheet.downloaded", _("Period score sheet downloaded"))
