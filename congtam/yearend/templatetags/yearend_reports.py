from django import template

from congtam.yearend import reports

register = template.Library()


@register.simple_tag
def may_see_reports(user) -> bool:
    """``{% may_see_reports user as show %}``: whether the reports link is shown (the policy of
    :mod:`congtam.yearend.reports` decides)."""
    return reports.may_see_reports(user)
