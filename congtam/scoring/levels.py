"""The four legal levels and the not-classified state (RULES.md §1)."""

from __future__ import annotations

from enum import Enum


class Level(str, Enum):
    """A classification result. The codes are the domain's own words."""

    EXCELLENT = "HTXSNV"
    GOOD = "HTTNV"
    COMPLETE = "HTNV"
    NOT_COMPLETE = "KHTNV"
    NOT_CLASSIFIED = "KXL"

    @property
    def order(self) -> int:
        """Higher is better; not classified sorts below every level."""
        return _ORDER[self]

    def at_most(self, ceiling: Level) -> Level:
        """This level, lowered to ``ceiling`` if it is better than it."""
        return ceiling if self.order > ceiling.order else self

    def one_below(self) -> Level:
        return _ONE_BELOW[self]

    @classmethod
    def from_code(cls, code: str) -> Level:
        return cls(code.strip().upper())


_ORDER = {
    Level.EXCELLENT: 4,
    Level.GOOD: 3,
    Level.COMPLETE: 2,
    Level.NOT_COMPLETE: 1,
    Level.NOT_CLASSIFIED: 0,
}
_ONE_BELOW = {
    Level.EXCELLENT: Level.GOOD,
    Level.GOOD: Level.COMPLETE,
    Level.COMPLETE: Level.NOT_COMPLETE,
    Level.NOT_COMPLETE: Level.NOT_COMPLETE,
    Level.NOT_CLASSIFIED: Level.NOT_CLASSIFIED,
}

LEVEL_NAMES = {
    Level.EXCELLENT: {"vi": "Hoàn thành xuất sắc nhiệm vụ", "en": "Completed tasks excellently"},
    Level.GOOD: {"vi": "Hoàn thành tốt nhiệm vụ", "en": "Completed tasks well"},
    Level.COMPLETE: {"vi": "Hoàn thành nhiệm vụ", "en": "Completed tasks"},
    Level.NOT_COMPLETE: {"vi": "Không hoàn thành nhiệm vụ", "en": "Did not complete tasks"},
    Level.NOT_CLASSIFIED: {"vi": "Chưa xếp loại", "en": "Not classified"},
}


def level_name(level: Level, lang: str = "vi") -> str:
    return LEVEL_NAMES[level]["en" if lang == "en" else "vi"]
