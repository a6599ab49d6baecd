from django import template

from congtam.catalogue.rules import factor_display

register = template.Library()


@register.filter
def factor(value):
    """A conversion factor without trailing zeros, in the page's language: ``1,5``, ``4``."""
    return factor_display(value)
