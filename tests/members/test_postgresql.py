"""What only PostgreSQL can show: ICU's Vietnamese order and row locks under concurrency."""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from members import services
from members.models import Member, Membership
from tests.factories import MemberFactory

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"
    ),
]

TRICKY = [
    ("Nguyễn", "Văn", "Đức"),
    ("Trần", "Thị", "Ánh"),
    ("Lê", "Văn", "An"),
    ("Phạm", "Thị", "Dung"),
    ("Hồ", "Văn", "Ân"),
    ("Vũ", "Thị", "Anh"),
    ("Đặng", "Văn", "Bình"),
    ("Bùi", "Thị", "An"),
    ("Lê", "Thị", "An"),
    ("Ngô", "Thu", "Hà"),
    ("Đỗ", "", "Thuý"),
    ("Lê", "Thị Thu", "Hà"),
    ("Hoàng", "Văn", "Ánh"),
    ("Lý", "", "Anh"),
    ("Âu", "Dương", "An"),
    ("Ân", "Thị", "Dung"),
    ("Ăn", "Thị", "Dung"),
    ("Dương", "Văn", "Đức"),
]


@pytest.mark.django_db
def test_the_sort_key_orders_like_icu_vietnamese_collation():
    for family, middle, given in TRICKY:
        MemberFactory(
            full_name=" ".join(p for p in (family, middle, given) if p),
            family_name=family,
            middle_name=middle,
            given_name=given,
            cccd=None,
        )
    by_key = list(
        Member.objects.order_by("sort_key", "id").values_list("pk", flat=True)
    )

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT id FROM members_member
            ORDER BY given_name COLLATE "vi-x-icu", family_name COLLATE "vi-x-icu",
                     middle_name COLLATE "vi-x-icu", id
            """
        )
        by_icu = [row[0] for row in cursor.fetchall()]

    assert by_key == by_icu


@pytest.mark.django_db
def test_given_names_follow_the_vietnamese_alphabet_on_postgresql():
    for given in ["Đức", "Ân", "Dung", "Anh", "Bình", "An", "Ánh"]:
        MemberFactory(
            full_name=f"Lê {given}",
            family_name="Lê",
            middle_name="",
            given_name=given,
            cccd=None,
        )

    given_names = list(
        Member.objects.in_name_order().values_list("given_name", flat=True)
    )

    assert given_names == ["An", "Anh", "Ánh", "Ân", "Bình", "Dung", "Đức"]


def _race(*calls):
    """Run the calls at the same moment in threads of their own; return results."""
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(i, call):
        barrier.wait()
        try:
            results[i] = call()
        except ValidationError as error:
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_admissions_of_one_person_make_one_member(cdcs, other_cdcs):
    def admit_into(unit):
        return lambda: services.admit_member(
            unit=unit,
            full_name="Nguyễn Thị Lan",
            birth_date=date(1990, 3, 8),
            gender="F",
            cccd="042190012345",
            joined_on=date(2015, 5, 1),
        )

    results = _race(admit_into(cdcs), admit_into(other_cdcs))

    assert sorted(type(r).__name__ for r in results) == [
        "Membership",
        "ValidationError",
    ]
    assert Member.objects.count() == 1
    assert Membership.objects.filter(left_on__isnull=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_readmissions_leave_one_open_membership(
    admit, cdcs, other_cdcs
):
    member = admit(cdcs).member
    services.record_departure(
        member=member, left_on=date(2020, 1, 1), reason="left_job"
    )

    def readmit_into(unit):
        return lambda: services.readmit_member(
            member=member, unit=unit, readmitted_on=date(2023, 1, 1)
        )

    results = _race(readmit_into(cdcs), readmit_into(other_cdcs))

    assert sorted(type(r).__name__ for r in results) == [
        "Membership",
        "ValidationError",
    ]
    assert Membership.objects.filter(member=member, left_on__isnull=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_transfers_move_the_member_once(
    admit, cdcs, other_cdcs, district
):
    from tests.factories import UnionUnitFactory

    third = UnionUnitFactory(parent=district)
    member = admit(cdcs).member

    def transfer_to(unit):
        return lambda: services.transfer_member(
            member=member, to_unit=unit, transferred_on=date(2025, 9, 1)
        )

    results = _race(transfer_to(other_cdcs), transfer_to(third))

    assert sorted(type(r).__name__ for r in results) == [
        "Membership",
        "ValidationError",
    ]
    assert Membership.objects.filter(member=member).count() == 2
    assert Membership.objects.filter(member=member, left_on__isnull=True).count() == 1
