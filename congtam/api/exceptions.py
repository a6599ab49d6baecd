"""Errors of the API in the caller's language, in two shapes: ``{"errors": [{"field", "message"}]}``
for a request that was read and refused (see :func:`congtam.api.views.rejected`), ``{"detail": ...}``
for one that could not be read or was not allowed."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.views import exception_handler


def _message(exc) -> str | None:
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
    response = exception_handler(exc, context)
    if response is None:
        return None
    message = _message(exc)
    if message is not None:
        response.data = {"detail": message}
    if isinstance(exc, exceptions.ValidationError) and isinstance(response.data, dict):
        response.data = {"errors": [
            {"field": field, "message": str(message)}
            for field, messages in response.data.items()
            for message in (messages if isinstance(messages, list) else [messages])
        ]}
    return response
