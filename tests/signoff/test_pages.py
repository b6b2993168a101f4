"""Signing off from the report page, the signed copies and reopening, by role and scope."""

import pytest
from django.urls import reverse

from registry.models import AccessLog
from tests.factories import UserFactory
from unions.models import SignedPeriod

pytestmark = pytest.mark.django_db
Q1 = "quarter-2025-1"


def sign(client, unit, chosen=Q1):
    return client.post(
        reverse("unions:sign_off"), {"unit": unit.code, "period": chosen}
    )


def test_the_report_page_offers_to_sign_off_its_own_period(client, officer, district):
    client.force_login(officer)

    page = client.get(
        reverse("unions:dashboard_report"),
        {"unit": district.code, "starts_on": "01/01/2025", "ends_on": "31/03/2025"},
    )

    assert page.status_code == 200
    assert page.context["sign_off_form"]["period"].value() == Q1
    assert "Chốt số liệu" in page.text


def test_an_officer_signs_off_and_reads_the_signed_copy(
    client, officer, district, members
):
    client.force_login(officer)

    response = sign(client, district)

    signed = SignedPeriod.objects.get()
    assert response.url == reverse("unions:signed_period", args=[signed.pk])
    page = client.get(response.url)
    assert "Quý I/2025" in page.text
    listed = client.get(reverse("unions:signed_periods", args=[district.code]))
    assert "Quý I/2025" in listed.text
    download = client.get(reverse("unions:signed_period_workbook", args=[signed.pk]))
    assert download.content == bytes(signed.workbook)
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT).count() == 1
    assert AccessLog.objects.filter(action=AccessLog.Action.SIGN_OFF).count() == 1


def test_a_refused_sign_off_comes_back_to_the_report_with_the_reason(
    client, officer, district, signed_q1
):
    client.force_login(officer)

    response = sign(client, district)
    page = client.get(response.url)

    assert response.status_code == 302
    assert "đã được chốt" in page.text
    assert SignedPeriod.objects.count() == 1


def test_a_period_not_offered_is_refused(client, officer, district):
    client.force_login(officer)

    response = sign(client, district, chosen="month-2999-1")

    assert response.status_code == 302
    assert not SignedPeriod.objects.exists()


def test_a_cdcs_officer_cannot_sign_off(client, grassroots_officer, cdcs):
    client.force_login(grassroots_officer)

    assert sign(client, cdcs).status_code == 403


def test_an_officer_cannot_sign_off_or_read_another_units_periods(
    client, signed_q1, district, elsewhere
):
    client.force_login(UserFactory(role="upper_level", unit=elsewhere))

    assert sign(client, district).status_code == 404
    assert (
        client.get(reverse("unions:signed_period", args=[signed_q1.pk])).status_code
        == 404
    )
    reopen = reverse("unions:signed_period_reopen", args=[signed_q1.pk])
    assert client.post(reopen, {"reason": "Sai"}).status_code == 404
    assert SignedPeriod.objects.get().is_signed


def test_the_signing_unit_is_refused_reopening_its_own_period(
    client, officer, signed_q1
):
    client.force_login(officer)

    response = client.post(
        reverse("unions:signed_period_reopen", args=[signed_q1.pk]), {"reason": "Sai"}
    )

    assert response.status_code == 400
    assert SignedPeriod.objects.get().is_signed


def test_an_officer_above_reopens_with_a_reason(client, provincial_officer, signed_q1):
    client.force_login(provincial_officer)
    url = reverse("unions:signed_period_reopen", args=[signed_q1.pk])

    without = client.post(url, {"reason": ""})
    done = client.post(url, {"reason": "Sót hồ sơ kết nạp tháng 2"})

    assert without.status_code == 400
    assert done.status_code == 302
    reopened = SignedPeriod.objects.get()
    assert reopened.reopen_reason == "Sót hồ sơ kết nạp tháng 2"
    assert AccessLog.objects.get(action=AccessLog.Action.REOPEN_PERIOD).user == (
        provincial_officer
    )


def test_the_pages_speak_english_when_switched(client, provincial_officer, signed_q1):
    client.force_login(provincial_officer)
    client.cookies["django_language"] = "en"

    page = client.get(reverse("unions:signed_periods", args=[signed_q1.unit.code]))

    assert "Signed-off periods" in page.text
