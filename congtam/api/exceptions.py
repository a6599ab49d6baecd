"""Errors of the API in the caller's language, in two shapes: ``{"errors": [{"field", "message"}]}``
for a request that was read and refused (see :func:`congtam.api.views.rejected`), ``{"detail": ...}``
for one that could not be read or was not allowed. Every error of an API address is JSON, even one
Django itself raises (a body over its size limit)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from rest_framework import exceptions, status


class UnreadableBody(exceptions.ParseError):
    """A body that is JSON but cannot be taken as the API's input; its message says why."""


class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self, limit: int):
        # Translators: %(size)s is a size in megabytes, e.g. "32".
        super().__init__(_("The body is too large: at most %(size)s MB per call.") % {"size": _megabytes(limit)})


def _megabytes(size: int) -> str:
    megabytes = size / (1024 * 1024)
    return f"{megabytes:g}" if megabytes >= 1 else f"{megabytes:.2f}"


def _message(exc) -> str | None:
    if isinstance(exc, UnreadableBody):
        return None  # its own message
    if isinstance(exc, exceptions.ParseError):
        return _("The body is not valid JSON.")
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return _("Send the body as JSON (Content-Type: application/json).")
    if isinstance(exc, exceptions.MethodNotAllowed):
        return _("The method %(method)s is not allowed here.") % {"method": exc.args[0] if exc.args else ""}
    if isinstance(exc, exceptions.NotAcceptable):
        return _("This API answers in JSON only.")
    return None


def api_exception_handler(exc, context):
    # Imported here: rest_framework.views loads the parser classes, and the parser uses this module.
    from rest_framework.views import exception_handler

    if isinstance(exc, RequestDataTooBig):
        exc = BodyTooLarge(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    response = exception_handler(exc, context)
    if response is None:
        return None
    message = _message(exc)
    if message is not None:
        response.data = {"detail": message}
    if isinstance(exc, exceptions.ValidationError) and isinstance(response.data, dict):
        response.data = {
            "errors": [
                {"field": field, "message": str(message)}
                for field, messages in response.data.items()
                for message in (messages if isinstance(messages, list) else [messages])
            ]
        }
    return response
