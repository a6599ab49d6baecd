"""Audit events of the year-end reports: the talent list names people with their scores (a read of
personnel data, logged like the reads of facts), and every download of the report workbook is
logged like the other year-end documents."""

from django.utils.translation import gettext_lazy as _

from congtam.audit.events import register

REPORT_DOWNLOADED = register("yearend.report.downloaded", _("Report of classification results downloaded"))
TALENT_VIEWED = register("yearend.talent.viewed", _("List of people HTXSNV two years running read"))
