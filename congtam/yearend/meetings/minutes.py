"""The adopted minutes of a unit's year-end meeting as the official DOCX (rendered by
:mod:`congtam.documents` from plain data)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from congtam.core import permissions
from congtam.documents import meeting_minutes_docx
from congtam.documents.data import MeetingMinutesData, PersonReview, Votes
from congtam.documents.names import meeting_minutes_filename
from congtam.org.models import Unit
from congtam.scoring.levels import Level
from congtam.yearend.exports.build import minutes_downloaded
from congtam.yearend.meetings import selectors
from congtam.yearend.models import Year

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _votes(discussion) -> Votes | None:
    if not discussion.vote_held:
        return None
    return Votes(discussion.votes_for or 0, discussion.votes_against or 0, discussion.votes_abstain or 0)


def minutes_data(minutes: selectors.Minutes, year: Year, unit: Unit) -> MeetingMinutesData:
    meeting = minutes.meeting
    present = len(minutes.present)
    reviews = tuple(
        PersonReview(
            person_name=discussion.person.full_name,
            position=discussion.person.position.title if discussion.person.position_id else "",
            presentation=discussion.presentation,
            comments=discussion.comments.strip(),
            proposed_level=Level(discussion.proposed_level) if discussion.proposed_level else None,
            votes=_votes(discussion),
            party_committee_opinion=discussion.party_committee_opinion.strip(),
        )
        for discussion in minutes.discussions
    )
    adopted = meeting.adopted_at
    return MeetingMinutesData(
        agency=year.agency.name,
        unit=unit.name,
        year=year.year,
        date=meeting.date,
        place=meeting.place,
        chair=meeting.chair.full_name,
        secretary=meeting.secretary.full_name,
        attendees=tuple(person.full_name for person in minutes.present),
        present_count=present,
        absent_count=len(minutes.absent),
        agenda=tuple(line.strip() for line in meeting.agenda.splitlines() if line.strip()),
        reviews=reviews,
        adoption=(
            f"Biên bản đã được thông qua tại cuộc họp ngày {adopted:%d/%m/%Y}, {present}/{present} người dự họp."
            if adopted
            else ""
        ),
        absent_note=", ".join(person.full_name for person in minutes.absent),
    )


@require_GET
def minutes_download_view(request, pk, code):
    """The adopted minutes as DOCX, for those who may read them; each download logged."""
    year = get_object_or_404(Year.objects.select_related("agency"), pk=pk)
    unit = get_object_or_404(Unit, agency=year.agency_id, code=code)
    permissions.require(request.user, "yearend.see_meeting", unit)
    minutes = selectors.meeting_minutes(viewer=request.user, year=year, unit=unit)
    if minutes.meeting is None or not minutes.meeting.adopted:
        raise Http404("no adopted minutes")
    data = minutes_data(minutes, year, unit)
    minutes_downloaded(actor=request.user, meeting=minutes.meeting, year=year, unit=unit)
    response = HttpResponse(meeting_minutes_docx(data), content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quoted(meeting_minutes_filename(data))}"
    return response


def _quoted(name: str) -> str:
    from urllib.parse import quote

    return quote(name)
