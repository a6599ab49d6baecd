from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STAFF = "staff", _("Staff member")
    MANAGER = "manager", _("Manager")
    UNIT_HEAD = "unit_head", _("Head of unit")
    HR = "hr", _("Personnel (HR)")
    LEADERSHIP = "leadership", _("Leadership")
    INSPECTOR = "inspector", _("Inspector")
    ADMIN = "admin", _("Administrator")


class User(AbstractUser):
    """A login. Everyone but a technical administrator is tied to their staff record."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.STAFF)
    person = models.OneToOneField(
        "org.Person",
        verbose_name=_("staff record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="account",
    )

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.username
