"""Importing the same file twice changes nothing the second time: 0 created, 0
updated, no history row and no membership written (issue 9)."""

import os
from datetime import date
from pathlib import Path

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, note, settings

from members.models import Member, Membership
from registry.spreadsheets.importing import run_import
from tests.factories import MemberFactory, MembershipFactory

from . import messy
from .test_messy_files import messy_files

CORPUS = Path(__file__).parent / "corpus"
QUICK_TWICE = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
LONG_TWICE = settings(
    max_examples=int(os.environ.get("MESSY_TWICE", 300)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _written() -> tuple[int, ...]:
    return (
        Member.objects.count(),
        Membership.objects.count(),
        Member.history.count(),
        Membership.history.count(),
    )


def import_twice(data: bytes, name: str, into: str, overrides=None):
    first = run_import(data, name, "members", into=into, overrides=overrides)[1]
    before = _written()
    second = run_import(data, name, "members", into=into, overrides=overrides)[1]
    return first, second, before, _written()


def assert_nothing_changed(first, second, before, after) -> None:
    assert (second.created, second.updated, second.invalid) == (0, 0, 0), second
    assert second.unchanged == first.created + first.updated + first.unchanged
    assert after == before


@pytest.mark.django_db
@given(messy_files())
@QUICK_TWICE
def test_a_messy_file_imported_twice_changes_nothing_the_second_time(cdcs, file):
    check_twice(cdcs, *file)


@pytest.mark.long
@pytest.mark.django_db
@given(messy_files())
@LONG_TWICE
def test_hundreds_of_messy_files_imported_twice(cdcs, file):
    check_twice(cdcs, *file)


def check_twice(cdcs, layout, persons) -> None:
    data, name, _expected = messy.render(layout, persons)
    note(f"{layout}\n{persons}")
    with transaction.atomic():
        first, *rest = import_twice(data, name, cdcs.code)
        assert first.created == len(persons), first.errors
        assert_nothing_changed(first, *rest)
        transaction.set_rollback(True)


CORPUS_FILES = sorted(p.name for p in CORPUS.iterdir() if p.suffix != ".py")


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(set(CORPUS_FILES) - {"welfare_list.xlsx"}))
def test_a_corpus_file_imported_twice_changes_nothing_the_second_time(cdcs, name):
    data = (CORPUS / name).read_bytes()

    first, *rest = import_twice(data, name, cdcs.code)

    assert first.created > 0 and not first.errors, first.errors
    assert_nothing_changed(first, *rest)


@pytest.mark.django_db
def test_the_welfare_list_imported_twice_updates_its_members_once(cdcs):
    """A list of members already on the register, without their birth date (the
    "Năm sinh" there is a relative's: the user leaves it out, as the preview asks)."""
    for cccd, name in (
        ("042188001122", "Võ Thị Hồng"),
        ("042080003344", "Đặng Văn Khoa"),
    ):
        member = MemberFactory(
            cccd=cccd, full_name=name, joined_union_on=date(2012, 1, 1)
        )
        MembershipFactory(member=member, unit=cdcs, started_on=date(2012, 1, 1))
    data = (CORPUS / "welfare_list.xlsx").read_bytes()

    first, *rest = import_twice(
        data, "welfare_list.xlsx", cdcs.code, overrides={"nam sinh": ""}
    )

    assert (first.created, first.updated, first.errors) == (0, 2, [])
    assert_nothing_changed(first, *rest)
