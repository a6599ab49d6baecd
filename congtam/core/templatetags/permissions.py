"""``{% load permissions %}{% has_perm "yearend.see_reports" user as show %}``: a page asks the
same declared permission as the service behind it (:mod:`congtam.core.permissions`)."""

from django import template

from congtam.core import permissions

register = template.Library()


@register.simple_tag
def has_perm(name: str, user, obj=None) -> bool:
    return permissions.has_perm(user, name, obj)
