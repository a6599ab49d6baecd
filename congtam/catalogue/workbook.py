"""The catalogue workbook as plain data: what the import reads, the demo builds and the export
writes, and the import's report. Sheet and column names are the workbook's, exactly."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from congtam.core.spreadsheets import ImportIssue

SHEET = "Danh mục sản phẩm"
COLUMNS = ("Mã vị trí", "Mã sản phẩm", "Tên sản phẩm", "Đơn vị tính", "Hệ số quy đổi", "Yêu cầu chất lượng")
(POSITION_CODE, PRODUCT_CODE, PRODUCT_NAME, UNIT, FACTOR, QUALITY) = COLUMNS

__all__ = [
    "COLUMNS",
    "FACTOR",
    "POSITION_CODE",
    "PRODUCT_CODE",
    "PRODUCT_NAME",
    "QUALITY",
    "SHEET",
    "UNIT",
    "CatalogueImportReport",
    "CatalogueRow",
    "ImportIssue",
    "MissingItem",
    "PositionOutcome",
]


@dataclass(slots=True)
class CatalogueRow:
    """One row of the sheet. ``factor`` is the cell as read (a number or text), or a Decimal."""

    position_code: str
    code: str
    name: str
    factor: object
    unit: str = ""
    quality_requirement: str = ""
    row: int = 0  # the row number as Excel shows it (0 when not from a workbook)


@dataclass(slots=True)
class PositionOutcome:
    """What the import did to one position of the file."""

    code: str
    title: str
    version: int | None = None  # the new version; None when the catalogue did not change
    created: int = 0
    updated: int = 0
    retired: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return self.version is not None


@dataclass(frozen=True, slots=True)
class MissingItem:
    """A current product of a position in the file that the file does not list."""

    position_code: str
    code: str
    name: str


@dataclass(slots=True)
class CatalogueImportReport:
    errors: list[ImportIssue] = field(default_factory=list)
    positions: list[PositionOutcome] = field(default_factory=list)
    missing: list[MissingItem] = field(default_factory=list)
    missing_retired: bool = False  # whether the missing products were retired (retire_missing)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed_positions(self) -> list[PositionOutcome]:
        return [outcome for outcome in self.positions if outcome.changed]

    def total(self, kind: str) -> int:
        return sum(getattr(outcome, kind) for outcome in self.positions)

    def summary(self) -> str:
        changed = len(self.changed_positions)
        text = ngettext(
            "%(count)d job position in the file, %(changed)d with a new catalogue version",
            "%(count)d job positions in the file, %(changed)d with a new catalogue version",
            len(self.positions),
        ) % {"count": len(self.positions), "changed": changed}
        text += "; " + _(
            "products: %(created)d new, %(updated)d changed, %(retired)d retired, %(unchanged)d unchanged."
        ) % {
            "created": self.total("created"),
            "updated": self.total("updated"),
            "retired": self.total("retired"),
            "unchanged": self.total("unchanged"),
        }
        if self.missing and not self.missing_retired:
            text += " " + ngettext(
                "%(count)d product in the system is not in the file: it was kept (to retire it, import again "
                "with “Retire the products the file no longer lists” ticked).",
                "%(count)d products in the system are not in the file: they were kept (to retire them, import again "
                "with “Retire the products the file no longer lists” ticked).",
                len(self.missing),
            ) % {"count": len(self.missing)}
        return text
