"""An import's list of errors, bounded where people read it.

A workbook of 100,000 junk rows has 200,000 errors: a page listing them all is 20 MB and a terminal
printing them all is lost. So a page and the command line show the first :data:`SHOWN` with the
total, and the full list is a workbook: downloadable from the page (kept for
:data:`KEPT_FOR` under the data folder, readable by the account that made the import alone) and
written by the command line with ``--errors-file``.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter
from django.conf import settings
from django.utils.translation import gettext as _

from congtam.core.files import PRIVATE_FILE_MODE

SHOWN = 1000
KEPT_FOR = 24 * 60 * 60  # seconds
_TOKEN_BYTES = 18


@dataclass(frozen=True, slots=True)
class ErrorListing:
    """What a page shows of an import's errors."""

    shown: Sequence
    total: int
    download_token: str = ""

    @property
    def truncated(self) -> bool:
        return self.total > len(self.shown)


def write_errors_workbook(errors: Sequence, target) -> None:
    """Every error, one a row (sheet, row, column, problem), to a path or a binary file object."""
    book = xlsxwriter.Workbook(
        target, {"constant_memory": True, "in_memory": False, "strings_to_formulas": False, "strings_to_urls": False}
    )
    sheet = book.add_worksheet(_("Errors")[:31])
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, (_("Sheet"), _("Row"), _("Column"), _("Problem")), bold)
    sheet.set_column(0, 0, 18)
    sheet.set_column(2, 2, 24)
    sheet.set_column(3, 3, 90)
    for number, error in enumerate(errors, start=1):
        sheet.write_string(number, 0, error.sheet or "")
        if error.row is not None:
            sheet.write_number(number, 1, error.row)
        sheet.write_string(number, 2, error.column or "")
        sheet.write_string(number, 3, error.message)
    book.close()


def _directory() -> Path:
    directory = Path(settings.DATA_DIR) / "import-errors"
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def _path(user_id: int, token: str) -> Path:
    return _directory() / f"{user_id}-{token}.xlsx"


def _remove_old(directory: Path) -> None:
    limit = time.time() - KEPT_FOR
    for old in directory.glob("*.xlsx"):
        try:
            if old.stat().st_mtime < limit:
                old.unlink()
        except FileNotFoundError:
            pass


def error_listing(errors: Sequence, *, user) -> ErrorListing:
    """The first errors for the page and, for ``user``, the full list kept as a workbook."""
    if not errors:
        return ErrorListing(shown=(), total=0)
    directory = _directory()
    _remove_old(directory)
    token = secrets.token_urlsafe(_TOKEN_BYTES)
    path = _path(user.pk, token)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    with os.fdopen(descriptor, "wb") as handle:
        write_errors_workbook(errors, handle)
    return ErrorListing(shown=errors[:SHOWN], total=len(errors), download_token=token)


def _well_formed(token: str) -> bool:
    return bool(token) and len(token) <= 64 and all(c.isalnum() or c in "-_" for c in token)


def _kept(path: Path) -> bool:
    try:
        return path.stat().st_mtime >= time.time() - KEPT_FOR
    except FileNotFoundError:
        return False


def errors_workbook_path(*, user, token: str) -> Path | None:
    """The kept workbook of ``user``'s import, or None (unknown, someone else's, or expired)."""
    if not _well_formed(token):
        return None
    path = _path(user.pk, token)
    return path if _kept(path) else None


def errors_workbook_of_someone_else(*, user, token: str) -> bool:
    """Whether ``token`` names another account's kept list (refused, not unknown)."""
    if not _well_formed(token):
        return False
    return any(_kept(path) for path in _directory().glob(f"*-{token}.xlsx") if not path.name.startswith(f"{user.pk}-"))


def issue_line(issue) -> str:
    """``Sheet, row N, column C: message``, leaving out what the problem has no place for."""
    if issue.row is not None and issue.column:
        # Translators: an import error: sheet name, row number as Excel shows it, column name, problem.
        return _("%(sheet)s, row %(row)d, column %(column)s: %(message)s") % {
            "sheet": issue.sheet,
            "row": issue.row,
            "column": issue.column,
            "message": issue.message,
        }
    if issue.column:
        return _("%(sheet)s, column %(column)s: %(message)s") % {
            "sheet": issue.sheet,
            "column": issue.column,
            "message": issue.message,
        }
    if issue.sheet:
        return _("%(sheet)s: %(message)s") % {"sheet": issue.sheet, "message": issue.message}
    return issue.message


def add_errors_file_argument(parser) -> None:
    parser.add_argument(
        "--errors-file",
        default="",
        help=f"when the import fails, write every error to this workbook (.xlsx); the first {SHOWN} are printed",
    )


def fail_command(errors: Sequence, *, stderr, errors_file: str = ""):
    """Print the first errors of a failed import, write them all to ``errors_file`` if asked, and
    return the :class:`CommandError` the command raises."""
    from django.core.management.base import CommandError
    from django.utils.formats import number_format
    from django.utils.translation import ngettext

    for issue in errors[:SHOWN]:
        stderr.write(issue_line(issue))
    total = number_format(len(errors), force_grouping=True)
    if len(errors) > SHOWN:
        stderr.write(
            _("… only the first %(shown)s of the %(total)s errors are printed.")
            % {"shown": number_format(SHOWN, force_grouping=True), "total": total}
        )
    if errors_file:
        try:
            write_errors_workbook(errors, errors_file)
        except OSError as error:
            stderr.write(_("Cannot write %(file)s: %(error)s") % {"file": errors_file, "error": error.strerror})
        else:
            stderr.write(_("Every error is listed in %(file)s.") % {"file": errors_file})
    elif len(errors) > SHOWN:
        stderr.write(_("To list every error in a workbook, run the command again with --errors-file FILE.xlsx."))
    return CommandError(
        ngettext("Nothing was imported: %(count)s error.", "Nothing was imported: %(count)s errors.", len(errors))
        % {"count": total}
    )
