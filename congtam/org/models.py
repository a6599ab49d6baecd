from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from congtam.core.fields import SortKeyField


class Agency(models.Model):
    """An agency on the installation (the National Assembly Office, a ministry, a province, a
    department, a commune), in a tree: UBND tỉnh → sở, ban, ngành → UBND cấp xã; Bộ → Tổng cục,
    Cục, Vụ. Each has its own unit tree, positions, catalogues, periods and year end; unit,
    position and staff codes are unique within it. Its code is unique on the installation."""

    code = models.CharField(_("agency code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=300)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("superior agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of zero-padded ids, as for units: the agencies below one by one prefix.
    path = SortKeyField(max_length=900, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    # The head of the agency is evaluated and approved from outside it (for the National Assembly
    # Office: the Standing Committee of the National Assembly); that authority is named here.
    external_authority = models.CharField(
        _("authority over the agency's head"),
        max_length=300,
        blank=True,
        help_text=_("Who evaluates and approves the head of the agency, e.g. the body above it."),
    )
    # Heads of units down to this depth of the tree are competent authorities who approve the
    # evaluations of the people under them (0 = only the agency's head approves).
    approval_depth = models.PositiveSmallIntegerField(
        _("approval depth"),
        default=1,
        help_text=_("Heads of units down to this level of the tree approve the evaluations below them."),
    )

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="org_agency_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def ancestor_ids(self) -> list[int]:
        """Ids from the top agency of the tree down to this agency's parent."""
        return [int(part) for part in self.path.split("/") if part][:-1]


class Unit(models.Model):
    """A unit of the agency's tree: the agency itself at the top, then Vụ, Phòng, Trung tâm…"""

    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="units")
    code = models.CharField(_("unit code"), max_length=50, db_index=True)
    name = models.CharField(_("unit name"), max_length=300)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of zero-padded ids ("00000001/00000007/"): subtree and ancestor queries
    # without recursion, and depth-first order of the whole tree by one ORDER BY.
    path = SortKeyField(max_length=900, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    sibling_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="org_unit_not_own_parent"),
            models.UniqueConstraint(fields=["agency", "code"], name="org_unit_code_unique_in_agency"),
        ]

    def __str__(self) -> str:
        return self.name

    def ancestor_ids(self) -> list[int]:
        """Ids from the top of the tree down to this unit's parent."""
        return [int(part) for part in self.path.split("/") if part][:-1]


class Position(models.Model):
    """A job position (vị trí việc làm) with its duties and professional standards."""

    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="positions")
    code = models.CharField(_("position code"), max_length=50)
    title = models.CharField(_("position title"), max_length=300)
    rank = models.CharField(_("civil service rank"), max_length=200, blank=True)
    duties = models.TextField(_("duties"), blank=True)
    standards = models.TextField(_("professional standards"), blank=True)
    is_leadership = models.BooleanField(_("leadership post"), default=False)

    class Meta:
        verbose_name = _("job position")
        verbose_name_plural = _("job positions")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="org_position_code_unique_in_agency"),
        ]

    def __str__(self) -> str:
        return self.title


class Category(models.TextChoices):
    CAN_BO = "can_bo", _("Cadre (cán bộ)")
    CONG_CHUC = "cong_chuc", _("Civil servant (công chức)")
    VIEN_CHUC = "vien_chuc", _("Public employee (viên chức)")
    HOP_DONG = "hop_dong", _("Contract worker (hợp đồng lao động)")


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class UnitRole(models.TextChoices):
    HEAD = "head", _("Head")
    DEPUTY = "deputy", _("Deputy head")
    MEMBER = "member", _("Member")


class Person(models.Model):
    """A cadre, civil servant, public employee or contract worker of the agency."""

    # The agency of the person's unit, kept with the person: staff codes are unique within it, and
    # every list of an agency's people is one index away. A move to another agency's unit is a
    # departure from one agency and a start in the other, never a transfer.
    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="people")
    staff_code = models.CharField(_("staff code"), max_length=50, db_index=True)
    full_name = models.CharField(_("full name"), max_length=200)
    sort_key = SortKeyField(max_length=600, editable=False)
    search_name = models.CharField(max_length=200, editable=False, db_index=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    # Sensitive personal data (Law 91/2025): see the permission accounts.view_sensitive.
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=100, blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="people")
    position = models.ForeignKey(
        Position, verbose_name=_("job position"), null=True, blank=True, on_delete=models.PROTECT, related_name="people"
    )
    unit_role = models.CharField(
        _("role in the unit"), max_length=10, choices=UnitRole.choices, default=UnitRole.MEMBER
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("working"), default=True)
    # Optimistic locking: a save based on a stale copy is refused instead of overwriting.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["sort_key", "staff_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(unit_role="head", is_active=True),
                name="org_person_one_head_per_unit",
            ),
            models.UniqueConstraint(fields=["agency", "staff_code"], name="org_person_code_unique_in_agency"),
        ]
        indexes = [
            models.Index(fields=["unit", "sort_key", "staff_code"], name="org_person_unit_sort_idx"),
            models.Index(fields=["sort_key", "staff_code"], name="org_person_sort_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name


class Posting(models.Model):
    """A person's time in a unit and position: the history that transfers leave behind."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="postings")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="postings")
    position = models.ForeignKey(
        Position, verbose_name=_("job position"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit_role = models.CharField(_("role in the unit"), max_length=10, choices=UnitRole.choices)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(end_date__isnull=True), name="org_posting_one_open"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="org_posting_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.unit}"


class AuthorityKind(models.TextChoices):
    EVALUATOR = "evaluator", _("Evaluator")
    APPROVER = "approver", _("Approver")


class AuthorityOverride(models.Model):
    """HR's decision that someone other than the derived authority evaluates or approves a person,
    from a date, for a stated reason."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="authority_overrides"
    )
    kind = models.CharField(_("authority"), max_length=10, choices=AuthorityKind.choices)
    authority = models.ForeignKey(
        Person, verbose_name=_("assigned to"), on_delete=models.PROTECT, related_name="authority_over"
    )
    effective_from = models.DateField(_("effective from"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("authority override")
        verbose_name_plural = _("authority overrides")
        ordering = ["-effective_from", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(person=models.F("authority")), name="org_override_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_kind_display()} → {self.authority}"
