from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from congtam.audit.fields import CanonicalJSONField


class AuditEntry(models.Model):
    """One change, written in the same transaction as the change itself. Never updated or deleted:
    there is no code path for either, the database refuses both where it can (see the migration
    ``0002_append_only_guard``), and the hash chain exposes whatever slips past."""

    seq = models.BigIntegerField(_("sequence number"), unique=True)
    created_at = models.DateTimeField(_("time"), db_index=True)
    # The actor reference survives the account's deletion (no cascade, no SET NULL: the row is
    # never updated); the label keeps who it was.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(_("actor"), max_length=200)
    event = models.CharField(_("event"), max_length=100, db_index=True)
    subject_type = models.CharField(_("subject type"), max_length=100)
    subject_id = models.CharField(_("subject"), max_length=100)
    subject_label = models.CharField(_("subject"), max_length=300, blank=True)
    old = CanonicalJSONField(_("old values"), null=True, blank=True)
    new = CanonicalJSONField(_("new values"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    # Groups the rows written by one action (one import writes many rows).
    action_id = models.UUIDField(_("action"), default=uuid.uuid4, db_index=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="audit_subject_idx"),
            models.Index(fields=["actor", "seq"], name="audit_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.event} {self.subject_label or self.subject_id}"


class ChainHead(models.Model):
    """The last entry of the chain: one row, locked by every writer for the length of its
    transaction, so concurrent writers queue up instead of forking the chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit chain head")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_chainhead_single_row")]
