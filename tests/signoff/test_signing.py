"""Signing off a period keeps the report as it was; reopening is for a unit above."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from members import services as member_services
from registry.models import AccessLog
from unions.coverage.report import period_report
from unions.coverage.signing import sign_off
from unions.models import SignedPeriod
from unions.periods import PeriodKind, last_ended, period, period_of
from unions.signoff import reopen

from .conftest import IN_Q1, Q1_2025

pytestmark = pytest.mark.django_db


def test_periods_are_named_as_reports_name_them():
    assert period(PeriodKind.QUARTER, 2026, 1).label == "Quý I/2026"
    assert period(PeriodKind.MONTH, 2026, 3).label == "Tháng 03/2026"
    assert period(PeriodKind.HALF, 2026, 1).label == "6 tháng đầu năm 2026"
    assert period(PeriodKind.HALF, 2026, 2).label == "6 tháng cuối năm 2026"
    assert period(PeriodKind.YEAR, 2026).label == "Năm 2026"


def test_a_period_runs_from_its_first_to_its_last_day():
    february = period(PeriodKind.MONTH, 2024, 2)
    second_half = period_of(PeriodKind.HALF, date(2025, 8, 20))

    assert (february.starts_on, february.ends_on) == (
        date(2024, 2, 1),
        date(2024, 2, 29),
    )
    assert (second_half.starts_on, second_half.ends_on) == (
        date(2025, 7, 1),
        date(2025, 12, 31),
    )
    assert last_ended(PeriodKind.QUARTER, date(2026, 1, 5)) == period(
        PeriodKind.QUARTER, 2025, 4
    )


def test_a_period_number_past_the_year_is_refused():
    with pytest.raises(ValidationError):
        period(PeriodKind.QUARTER, 2025, 5)


def test_the_signed_figures_are_the_report_of_the_period(signed_q1, district):
    report = period_report(district, Q1_2025.starts_on, Q1_2025.ends_on)
    figures = signed_q1.figures

    assert figures["period"] == "Quý I/2025"
    assert [row["code"] for row in figures["rows"]] == [
        r.unit.code for r in report.rows
    ]
    at_end = [heading for _g, heading in figures["columns"]].index("Cuối kỳ")
    assert figures["total"]["values"][at_end] == report.total.members_at_end == 3
    assert bytes(signed_q1.workbook)[:2] == b"PK"  # an .xlsx


def test_the_signed_copy_stays_as_it_was_after_the_period_is_reopened_and_changed(
    signed_q1, district, cdcs, provincial_officer
):
    workbook, figures = bytes(signed_q1.workbook), signed_q1.figures
    reopen(signed_period=signed_q1, user=provincial_officer, reason="Sót hồ sơ")
    member_services.admit_member(
        unit=cdcs,
        full_name="Trần Thị Mai",
        birth_date=date(1995, 4, 1),
        joined_on=IN_Q1,
    )

    kept = SignedPeriod.objects.get(pk=signed_q1.pk)

    assert bytes(kept.workbook) == workbook
    assert kept.figures == figures
    assert (
        period_report(district, Q1_2025.starts_on, Q1_2025.ends_on).total.admitted == 1
    )


def test_signing_again_after_reopening_makes_a_new_copy(
    signed_q1, district, officer, provincial_officer
):
    reopen(signed_period=signed_q1, user=provincial_officer, reason="Sót hồ sơ")

    again = sign_off(unit=district, period=Q1_2025, user=officer)

    assert again.pk != signed_q1.pk
    assert SignedPeriod.objects.filter(unit=district).count() == 2
    assert list(SignedPeriod.objects.signed()) == [again]


def test_a_period_signed_twice_is_refused(signed_q1, district, provincial_officer):
    with pytest.raises(ValidationError) as refusal:
        sign_off(unit=district, period=Q1_2025, user=provincial_officer)

    assert refusal.value.code == "already_signed"


def test_a_period_that_has_not_ended_is_refused(district, officer):
    current = period_of(PeriodKind.MONTH, timezone.localdate())

    with pytest.raises(ValidationError) as refusal:
        sign_off(unit=district, period=current, user=officer)

    assert refusal.value.code == "period_not_ended"


def test_an_officer_cannot_sign_off_a_unit_outside_their_scope(
    province, officer, elsewhere, grassroots_officer, cdcs
):
    for user, unit in [
        (officer, elsewhere),
        (officer, province),
        (grassroots_officer, cdcs),
    ]:
        with pytest.raises(ValidationError) as refusal:
            sign_off(unit=unit, period=Q1_2025, user=user)

        assert refusal.value.code == "not_allowed"


def test_the_signing_unit_cannot_reopen_its_own_period(signed_q1, officer):
    with pytest.raises(ValidationError) as refusal:
        reopen(signed_period=signed_q1, user=officer, reason="Sai số liệu")

    assert refusal.value.code == "not_allowed"
    assert SignedPeriod.objects.get(pk=signed_q1.pk).is_signed


def test_reopening_needs_a_reason_and_is_recorded(signed_q1, provincial_officer):
    with pytest.raises(ValidationError):
        reopen(signed_period=signed_q1, user=provincial_officer, reason="  ")

    reopened = reopen(
        signed_period=signed_q1, user=provincial_officer, reason="Sót hồ sơ"
    )

    assert reopened.reopened_by == provincial_officer
    assert reopened.reopen_reason == "Sót hồ sơ"
    assert not reopened.is_signed
    logged = AccessLog.objects.get(action=AccessLog.Action.REOPEN_PERIOD)
    assert logged.user == provincial_officer
    assert logged.purpose == "Sót hồ sơ"
    assert logged.target.startswith("Quý I/2025")
    assert AccessLog.objects.filter(action=AccessLog.Action.SIGN_OFF).count() == 1
