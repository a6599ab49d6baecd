from django import template

from congtam.notifications import selectors

register = template.Library()


@register.inclusion_tag("notifications/_badge.html", takes_context=True)
def notifications_link(context):
    """The header's link to the notifications, with the number of unread ones."""
    user = context.get("user")
    return {"unread": selectors.unread_count(viewer=user)}
