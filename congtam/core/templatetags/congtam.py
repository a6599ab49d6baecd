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


@register.filter
def score_display(value) -> str:
    """A score or a point value for people: two decimals, half up, with the language's decimal
    mark (the engine's own display rounding; the stored value stays exact)."""
    from decimal import Decimal, InvalidOperation

    from django.utils.formats import get_format

    from congtam.scoring.decimals import format_display

    if value in (None, ""):
        return ""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return format_display(number, get_format("DECIMAL_SEPARATOR"))


@register.filter
def vn_number(value) -> str:
    """A whole count grouped as the active language writes it: 200.000 in Vietnamese."""
    from django.utils.formats import number_format

    if value is None or value == "":
        return ""
    return number_format(value, force_grouping=True)
