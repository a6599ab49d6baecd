from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ people|get_item:person_id }}``: a dictionary look-up by a variable key."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def event_label(code):
    """The translated label of an audit event code."""
    from congtam.audit import events

    try:
        return events.label(code)
    except events.UnknownEvent:
        return code
