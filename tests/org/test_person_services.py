from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from congtam.audit.models import AuditEntry
from congtam.org import services
from congtam.org.models import Person, Posting, UnitRole

pytestmark = pytest.mark.django_db


def test_person_create_normalises_and_audits(world):
    import unicodedata

    person = services.person_create(
        actor=world.users["hr"],
        staff_code=" NV900 ",
        full_name=unicodedata.normalize("NFD", "  Lò   Văn  Páo "),
        category="cong_chuc",
        unit=world.units["VTT"],
        email="Pao@QuocHoi.vn ",
        ethnicity=unicodedata.normalize("NFD", "Thái"),
    )
    person.refresh_from_db()
    assert person.staff_code == "NV900"
    assert person.full_name == "Lò Văn Páo"
    assert person.ethnicity == "Thái"
    assert person.email == "pao@quochoi.vn"
    assert person.search_name == " lo van pao "
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.event, entry.actor_label, entry.new["full_name"]) == ("org.person.created", "hoa", "Lò Văn Páo")
    assert Posting.objects.get(person=person).end_date is None


def test_invalid_email_is_refused_and_nothing_written(world):
    count = Person.objects.count()
    with pytest.raises(ValidationError) as raised:
        services.person_create(
            actor=None,
            staff_code="NV901",
            full_name="Lê Văn Tám",
            category="cong_chuc",
            unit=world.units["VTT"],
            email="khong-hop-le",
        )
    assert "email" in raised.value.message_dict
    assert Person.objects.count() == count


def test_a_unit_has_one_head(world):
    with pytest.raises(ValidationError) as raised:
        services.person_create(
            actor=None,
            staff_code="NV902",
            full_name="Mai Văn Tư",
            category="cong_chuc",
            unit=world.units["VPL"],
            unit_role=UnitRole.HEAD,
        )
    assert "Hoàng Thị Lan" in str(raised.value)


def test_the_database_also_refuses_two_heads(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=world.people["pho_vu_truong"].pk).update(unit_role=UnitRole.HEAD)


def test_transfer_keeps_history_and_audits(world):
    an = world.people["an"]
    services.person_transfer(
        actor=world.users["hr"],
        person=an,
        expected_version=an.version,
        unit=world.units["VTT"],
        on=date(2026, 6, 1),
        reason="QĐ 45/QĐ-VPQH",
        unit_role=UnitRole.HEAD,
    )
    postings = list(an.postings.order_by("start_date"))
    assert [(p.unit.code, p.start_date, p.end_date) for p in postings] == [
        ("VPL-P1", date(2015, 9, 1), date(2026, 6, 1)),
        ("VTT", date(2026, 6, 1), None),
    ]
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.event == "org.person.transferred"
    assert entry.old["unit"] == "VPL-P1" and entry.new["unit"] == "VTT"
    assert entry.reason == "QĐ 45/QĐ-VPQH"


def test_transfer_needs_a_reason_and_a_sane_date(world):
    an = world.people["an"]
    with pytest.raises(ValidationError):
        services.person_transfer(
            actor=None, person=an, expected_version=an.version, unit=world.units["VTT"], on=date(2026, 6, 1), reason=" "
        )
    with pytest.raises(ValidationError):
        services.person_transfer(
            actor=None, person=an, expected_version=an.version, unit=world.units["VTT"], on=date(2010, 1, 1), reason="x"
        )


def test_a_stale_edit_is_refused_not_silently_applied(world):
    first = Person.objects.get(staff_code="NV021")
    second = Person.objects.get(staff_code="NV021")
    services.person_update(actor=None, person=first, expected_version=first.version, email="an.moi@quochoi.vn")
    with pytest.raises(services.ConcurrentEditError) as raised:
        services.person_update(actor=None, person=second, expected_version=second.version, email="an.khac@quochoi.vn")
    assert "Nguyễn Văn An" in str(raised.value)
    assert Person.objects.get(staff_code="NV021").email == "an.moi@quochoi.vn"


def test_update_with_no_change_writes_nothing(world):
    an = world.people["an"]
    before = AuditEntry.objects.count()
    services.person_update(actor=None, person=an, expected_version=an.version, email=an.email)
    assert AuditEntry.objects.count() == before


def test_renaming_updates_sort_and_search_keys(world):
    an = world.people["an"]
    services.person_update(actor=None, person=an, expected_version=an.version, full_name="Nguyễn Văn Ánh")
    an.refresh_from_db()
    assert an.search_name == " nguyen van anh "
    assert an.version == 2


def test_unit_move_recomputes_the_subtree_and_refuses_cycles(world):
    units = world.units
    services.unit_update(actor=None, unit=units["VPL"], parent=units["TCCB"], reason="Sắp xếp lại")
    moved_child = type(units["VPL-P1"]).objects.get(code="VPL-P1")
    assert moved_child.depth == 3
    assert moved_child.path.startswith(type(units["TCCB"]).objects.get(code="TCCB").path)
    with pytest.raises(ValidationError):
        services.unit_update(actor=None, unit=type(units["TCCB"]).objects.get(code="TCCB"), parent=moved_child)


def test_second_top_unit_is_refused(world):
    with pytest.raises(ValidationError):
        services.unit_create(actor=None, agency=world.agency, code="X", name="Cơ quan khác")
