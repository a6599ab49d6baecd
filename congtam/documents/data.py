"""The plain data the official documents are rendered from.

The year-end models fill these; rendering never touches the database, so the same data can be
rendered in a request, in a background job or in a test.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

from congtam.scoring.levels import Level, level_name


class Category(str, Enum):
    """The person's category; each has its own form (Decree 90/2020, appendix)."""

    CAN_BO = "can_bo"
    CONG_CHUC = "cong_chuc"
    VIEN_CHUC = "vien_chuc"


@dataclass(frozen=True)
class Signature:
    """A signature place: the title above it, and the signer's name under it (blank to sign by hand)."""

    title: str
    name: str = ""
    place: str = ""
    date: datetime.date | None = None


@dataclass(frozen=True)
class SelfAssessment:
    """What the person writes about themselves, one text per criterion of the form.

    An empty text leaves dotted lines to fill by hand.
    """

    political_ideology: str = ""
    ethics_and_lifestyle: str = ""
    working_style: str = ""
    discipline: str = ""
    task_results: str = ""
    service_attitude: str = ""
    # For leaders and managers only.
    unit_results: str = ""
    leadership_capacity: str = ""
    unity_capacity: str = ""
    # Section II: strengths and weaknesses in the person's own words.
    strengths_and_weaknesses: str = ""


@dataclass(frozen=True)
class EvaluationFormData:
    """One person's evaluation and classification form for one year."""

    agency: str
    unit: str
    person_name: str
    position: str
    category: Category
    year: int
    self_assessment: SelfAssessment
    rank: str = ""  # ngạch (công chức) or chức danh nghề nghiệp (viên chức); cán bộ have none
    is_leader: bool = False
    proposed_level: Level | None = None
    manager_comments: str = ""  # the direct manager's comments (người quản lý trực tiếp)
    authority_comments: str = ""  # the competent authority's comments on strengths and weaknesses
    result_level: Level | None = None
    score: Decimal | None = None  # the yearly score where the points model applies
    person_signature: Signature = field(default_factory=lambda: Signature(title="NGƯỜI TỰ NHẬN XÉT"))
    manager_signature: Signature | None = None
    authority_signature: Signature = field(default_factory=lambda: Signature(title="NGƯỜI CÓ THẨM QUYỀN ĐÁNH GIÁ"))

    @property
    def result_level_name(self) -> str:
        return level_name(self.result_level) if self.result_level else ""

    @property
    def proposed_level_name(self) -> str:
        return level_name(self.proposed_level) if self.proposed_level else ""


@dataclass(frozen=True)
class UnitSummaryRow:
    """One person's line in a unit's or the agency's summary of results."""

    person_name: str
    unit: str
    position: str
    category: Category | None
    score: Decimal | None
    proposed_level: Level | None
    result_level: Level | None
    note: str = ""


@dataclass(frozen=True)
class Votes:
    """A vote on the level proposed for one person: for, against, and those who did not vote."""

    in_favour: int
    against: int
    abstaining: int


@dataclass(frozen=True)
class PersonReview:
    """How one person's review went at the unit meeting."""

    person_name: str
    position: str
    presentation: str  # summary of the self-assessment the person presented
    comments: str  # colleagues' comments, as minuted
    proposed_level: Level | None = None
    # The vote on the proposed level where the rules ask for one; None when no vote was held.
    votes: Votes | None = None
    # For a head or deputy: the Party committee's opinion (RULES.md §3.4).
    party_committee_opinion: str = ""


@dataclass(frozen=True)
class MeetingMinutesData:
    """The minutes of the unit meeting that reviews its people at year end."""

    agency: str
    unit: str
    year: int
    date: datetime.date
    place: str
    chair: str
    secretary: str
    attendees: tuple[str, ...]
    present_count: int
    absent_count: int
    agenda: tuple[str, ...]
    reviews: tuple[PersonReview, ...]
    adoption: str  # how the minutes were adopted, e.g. "… 12/12 người dự họp nhất trí"
    start_time: datetime.time | None = None
    end_time: datetime.time | None = None
    absent_note: str = ""  # who was absent and why
    chair_title: str = "CHỦ TRÌ"
    secretary_title: str = "THƯ KÝ"
