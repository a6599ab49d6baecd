"""Decimal helpers: one arithmetic context and the display rounding.

Scores are kept exact (to the context's 28 significant digits) and are rounded only when shown,
half up to two decimals, as RULES.md requires ("89.75 is HTTNV", never rounded up to 90).
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal
from functools import lru_cache

from congtam.vietnamese import read_number

# The single arithmetic context of the engine. Every public entry point runs inside it so that
# a caller who changed the thread's decimal context cannot change a score.
ENGINE_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
TWO_PLACES = Decimal("0.01")

# The engine reads numbers as the whole application does (:func:`congtam.vietnamese.read_number`:
# a decimal comma or dot, thousands separators, cells of every type); ``to_decimal`` is its name
# here, for the explanations' checker.
to_decimal = read_number


def round_for_display(value: Decimal) -> Decimal:
    """Half up to two decimals: the only rounding the engine ever does to a score."""
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def format_display(value: Decimal | None, decimal_mark: str = ".") -> str:
    """Text of a score for people: two decimals, half up; empty for no value."""
    if value is None:
        return ""
    text = f"{round_for_display(value):f}"
    return text.replace(".", decimal_mark) if decimal_mark != "." else text


def floor_to_int(value: Decimal) -> int:
    """Round down to a whole number ("must not exceed")."""
    return int(value.to_integral_value(rounding=ROUND_FLOOR))


def half_up_to_int(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


@lru_cache(maxsize=1 << 16)
def exact_text(value: Decimal) -> str:
    """Exact, plain (no exponent) text of a Decimal, for JSON explanations.

    Cached: a cohort repeats the same few thousand values (scores in quarter points, factors),
    and explanations for 100,000 people format millions of them.
    """
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text == "-0":
        return "0"
    return text or "0"
