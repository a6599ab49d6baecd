"""Each job position's catalogue of products and work items (danh mục sản phẩm), versioned.

A change never edits an item in place: it ends the item's row at the new catalogue version and
adds a row from that version on. A work item points at the row it was assigned from and copies
its factor, so a closed period keeps the factors it used, whatever the catalogue becomes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from congtam.org.models import Position


class CatalogueVersion(models.Model):
    """One version of one position's catalogue: what changed it, who and when."""

    position = models.ForeignKey(
        Position, verbose_name=_("position"), on_delete=models.PROTECT, related_name="catalogue_versions"
    )
    number = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("catalogue version")
        verbose_name_plural = _("catalogue versions")
        ordering = ["position", "-number"]
        constraints = [models.UniqueConstraint(fields=["position", "number"], name="catalogue_version_unique")]

    def __str__(self) -> str:
        return f"{self.position.code} v{self.number}"


class CatalogueItem(models.Model):
    """A product or work item of a position's catalogue, as it stood from ``version_from`` up to
    (not including) ``version_to``; ``version_to`` is empty while the row is current."""

    position = models.ForeignKey(
        Position, verbose_name=_("position"), on_delete=models.PROTECT, related_name="catalogue_items"
    )
    code = models.CharField(_("product code"), max_length=50)
    name = models.CharField(_("product name"), max_length=500)
    unit = models.CharField(_("unit of measure"), max_length=100, blank=True)
    factor = models.DecimalField(_("conversion factor"), max_digits=9, decimal_places=4)
    quality_requirement = models.TextField(_("quality requirement"), blank=True)
    version_from = models.PositiveIntegerField(_("from version"))
    version_to = models.PositiveIntegerField(_("until version"), null=True, blank=True)

    class Meta:
        verbose_name = _("catalogue item")
        verbose_name_plural = _("catalogue items")
        ordering = ["position", "code", "version_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["position", "code"], condition=Q(version_to__isnull=True), name="catalogue_item_one_current"
            ),
            models.CheckConstraint(condition=Q(factor__gt=0), name="catalogue_item_factor_positive"),
            models.CheckConstraint(
                condition=Q(version_to__isnull=True) | Q(version_to__gt=models.F("version_from")),
                name="catalogue_item_versions_ordered",
            ),
        ]
        indexes = [models.Index(fields=["position", "version_to"], name="catalogue_item_current")]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def is_current(self) -> bool:
        return self.version_to is None
