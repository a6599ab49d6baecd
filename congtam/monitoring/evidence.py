"""Evidence files: stored in the data folder, outside the web root and outside MEDIA_ROOT, and
served only through a view that checks who may see them. Type and size are checked on upload,
by extension and by the file's first bytes."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.utils.translation import gettext as _

# Extension -> (content type, signatures the file must start with; empty: any, e.g. plain text)
ALLOWED_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (b"PK\x03\x04",)),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", (b"PK\x03\x04",)),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)),
    ".xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".txt": ("text/plain", ()),
}


# A link is opened in the person's browser: web addresses only (no javascript:, data:, file:, ftp:).
LINK_SCHEMES = ("http", "https")


def is_web_link(link: str) -> bool:
    try:
        parts = urlsplit(link or "")
    except ValueError:
        return False
    return parts.scheme.lower() in LINK_SCHEMES and bool(parts.hostname)


def check_link(link: str) -> None:
    """A ValidationError unless the link is a web address (http:// or https://) with a host."""
    if not is_web_link(link):
        raise ValidationError(
            _("Only a web address (starting with http:// or https://) is accepted as a link."), code="link_scheme"
        )


@cache
def private_storage() -> FileSystemStorage:
    return FileSystemStorage(location=Path(settings.CONGTAM_EVIDENCE_ROOT), base_url=None)


def check_upload(upload) -> str:
    """The upload's content type, or a ValidationError saying what is wrong with it."""
    extension = Path(upload.name or "").suffix.lower()
    allowed = ALLOWED_TYPES.get(extension)
    if allowed is None:
        raise ValidationError(
            _("Files of this type are not accepted. Accepted: %(types)s.") % {"types": ", ".join(sorted(ALLOWED_TYPES))}
        )
    limit = settings.CONGTAM_EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(_("The file is too large (at most %(size)d MB).") % {"size": limit // (1024 * 1024)})
    if upload.size == 0:
        raise ValidationError(_("The file is empty."))
    content_type, signatures = allowed
    if signatures:
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        if not any(head.startswith(signature) for signature in signatures):
            raise ValidationError(
                _("The file's content does not match its extension %(extension)s.") % {"extension": extension}
            )
    return content_type
