"""Collective agreements run 1 to 3 years (Labour Code 2019 Art. 78); valid_on(D) decides."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from tests.factories import CollectiveAgreementFactory
from unions.models import CollectiveAgreement

pytestmark = pytest.mark.django_db


def agreement(employer, *, signed_on=date(2024, 3, 1), effective_on=None, expires_on):
    return CollectiveAgreement(
        employer=employer,
        signed_on=signed_on,
        effective_on=effective_on or signed_on,
        expires_on=expires_on,
    )


def test_a_one_year_agreement_is_accepted(employer):
    agreement(employer, expires_on=date(2025, 3, 1)).full_clean()


def test_a_three_year_agreement_is_accepted(employer):
    agreement(employer, expires_on=date(2027, 3, 1)).full_clean()


def test_three_years_and_one_day_is_refused(employer):
    with pytest.raises(ValidationError) as refusal:
        agreement(employer, expires_on=date(2027, 3, 2)).full_clean()

    assert "expires_on" in refusal.value.message_dict


def test_less_than_a_year_is_refused(employer):
    with pytest.raises(ValidationError) as refusal:
        agreement(employer, expires_on=date(2025, 2, 28)).full_clean()

    assert "expires_on" in refusal.value.message_dict


def test_an_agreement_cannot_take_effect_before_it_is_signed(employer):
    with pytest.raises(ValidationError) as refusal:
        agreement(
            employer,
            signed_on=date(2024, 3, 1),
            effective_on=date(2024, 2, 1),
            expires_on=date(2025, 2, 1),
        ).full_clean()

    assert "effective_on" in refusal.value.message_dict


def test_an_agreement_expiring_before_it_takes_effect_is_refused(employer):
    with pytest.raises(ValidationError):
        agreement(employer, expires_on=date(2023, 3, 1)).full_clean()


def test_a_leap_day_agreement_may_run_exactly_one_year(employer):
    agreement(
        employer, signed_on=date(2024, 2, 29), expires_on=date(2025, 2, 28)
    ).full_clean()


def test_an_agreement_is_valid_on_the_day_it_takes_effect(employer):
    CollectiveAgreementFactory(
        employer=employer,
        signed_on=date(2024, 1, 10),
        effective_on=date(2024, 2, 1),
        expires_on=date(2026, 2, 1),
    )

    assert CollectiveAgreement.objects.valid_on(date(2024, 2, 1)).exists()
    assert not CollectiveAgreement.objects.valid_on(date(2024, 1, 31)).exists()


def test_an_agreement_is_not_valid_on_the_day_it_expires(employer):
    CollectiveAgreementFactory(
        employer=employer,
        signed_on=date(2024, 2, 1),
        effective_on=date(2024, 2, 1),
        expires_on=date(2026, 2, 1),
    )

    assert CollectiveAgreement.objects.valid_on(date(2026, 1, 31)).exists()
    assert not CollectiveAgreement.objects.valid_on(date(2026, 2, 1)).exists()


def test_the_queryset_and_the_object_agree_on_validity(employer):
    signed = CollectiveAgreementFactory(
        employer=employer,
        signed_on=date(2024, 2, 1),
        effective_on=date(2024, 2, 1),
        expires_on=date(2026, 2, 1),
    )

    for day in [
        date(2024, 1, 31),
        date(2024, 2, 1),
        date(2026, 1, 31),
        date(2026, 2, 1),
    ]:
        in_queryset = (
            CollectiveAgreement.objects.valid_on(day).filter(pk=signed.pk).exists()
        )
        assert in_queryset == signed.is_valid_on(day)
