"""Authentication of source systems: ``Authorization: Bearer <token>``.

The request's ``auth`` is the :class:`~congtam.api.models.SourceSystem`, with its scope of
units loaded once (``system.scope_paths``); ``user`` is a :class:`SystemCaller`, never a person's
account, so nothing a person may do is granted to a system by mistake."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from congtam.api.models import SourceSystem
from congtam.api.tokens import token_hash


class SystemCaller(AnonymousUser):
    """The ``request.user`` of a call made by a system: no human account, no role, no person."""

    def __init__(self, system: SourceSystem):
        self.system = system

    def __str__(self) -> str:
        return f"api:{self.system.name}"


def load_system(token: str) -> SourceSystem | None:
    system = SourceSystem.objects.filter(token_hash=token_hash(token)).only("id", "name", "revoked_at").first()
    if system is None or system.revoked_at is not None:
        return None
    system.scope_paths = tuple(system.units.order_by("path").values_list("path", flat=True))
    return system


class SourceSystemAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() != self.keyword.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("The Authorization header must be “Bearer <token>”."))
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("The API token is not valid or has been revoked.")) from None
        system = load_system(token)
        if system is None:
            raise exceptions.AuthenticationFailed(_("The API token is not valid or has been revoked."))
        return SystemCaller(system), system

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class IsSourceSystem(permissions.BasePermission):
    """Only a source system's valid token opens the API (a person's session does not)."""

    def has_permission(self, request, view) -> bool:
        if isinstance(request.auth, SourceSystem):
            return True
        raise exceptions.NotAuthenticated(_("Give the system's API token: Authorization: Bearer <token>."))


class SourceSystemScheme(OpenApiAuthenticationExtension):
    target_class = SourceSystemAuthentication
    name = "sourceSystemToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "Token issued by HR for one system (shown once)."}
