"""A *policy scope*: the people of one staff group in some units (and the units below them), for a
year, under one preset of the scoring engine. Monitoring's :class:`~congtam.monitoring.models.Cycle`
and year end's :class:`~congtam.yearend.models.Year` are both one; they share its fields, the
people it covers and how its engine policy is resolved.
"""

from __future__ import annotations

import json
from functools import lru_cache

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from congtam.org.models import Agency, Category, Person, Unit
from congtam.scoring import api as engine
from congtam.scoring.policy import Policy


class PolicyScope(models.Model):
    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    staff_group = models.CharField(_("staff group"), max_length=20, choices=Category.choices)
    policy_id = models.CharField(_("policy preset"), max_length=100)
    policy_version = models.CharField(_("policy version"), max_length=50)
    policy_overrides = models.JSONField(_("policy parameters set"), default=dict, blank=True)
    units = models.ManyToManyField(Unit, verbose_name=_("units (with the units below them)"), related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        abstract = True

    def scope_people(self):
        """The active people of the staff group in the scope's units and the units below them
        (nobody when the scope has no unit)."""
        scope = Q(pk__in=[])
        for path in Unit.objects.filter(pk__in=self.units.values("pk")).values_list("path", flat=True):
            scope |= Q(unit__path__startswith=path)
        return Person.objects.filter(scope, is_active=True, category=self.staff_group)

    def engine_policy(self) -> Policy:
        """The engine's policy of the scope: its preset with the parameters HR set."""
        return _policy(self.policy_id, json.dumps(self.policy_overrides or {}, sort_keys=True))


@lru_cache(maxsize=64)
def _policy(policy_id: str, overrides_json: str) -> Policy:
    return engine.load_policy(policy_id, sorted(json.loads(overrides_json).items()))
