"""The API's own model: the task-assignment and document systems allowed to use it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from congtam.org.models import Unit


class SourceSystem(models.Model):
    """A document or task-assignment system allowed to use the API, limited to a scope of units.
    Only a hash of its token is kept; HR issues and revokes it."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    token_hash = models.CharField(_("token hash"), max_length=128, unique=True)
    token_prefix = models.CharField(_("token prefix"), max_length=12)
    units = models.ManyToManyField(Unit, verbose_name=_("units (with the units below them)"), related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        db_table = "monitoring_sourcesystem"  # the table monitoring created before the model moved here
        verbose_name = _("source system")
        verbose_name_plural = _("source systems")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
