"""The admin lists sign-offs, read-only, each user their own scope."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.forms import modelform_factory
from django.urls import reverse

from tests.factories import UserFactory
from unions.admin_forms import EmployerForm
from unions.models import CollectiveAgreement, Employer
from unions.signoff import check_employer, reopen

pytestmark = pytest.mark.django_db


def test_the_admin_lists_and_shows_a_sign_off_without_changing_or_deleting_it(
    client, admin_user, signed_q1
):
    client.force_login(admin_user)

    listed = client.get(reverse("admin:unions_signedperiod_changelist"))
    shown = client.get(reverse("admin:unions_signedperiod_change", args=[signed_q1.pk]))
    deleted = client.get(
        reverse("admin:unions_signedperiod_delete", args=[signed_q1.pk])
    )

    assert listed.status_code == 200
    assert signed_q1.unit.code in listed.text
    assert shown.status_code == 200
    assert not shown.context["has_change_permission"]
    assert deleted.status_code == 403


def test_an_officer_of_another_unit_does_not_find_the_sign_off(
    client, signed_q1, elsewhere
):
    client.force_login(UserFactory(role="upper_level", unit=elsewhere))

    shown = client.get(reverse("admin:unions_signedperiod_change", args=[signed_q1.pk]))

    assert shown.status_code == 404


def agreement_form(employer, **overrides):
    return {
        "employer": employer.pk,
        "signed_on": "2025-01-10",
        "effective_on": "2025-02-01",
        "expires_on": "2027-02-01",
        "grade": "A",
        "notes": "",
    } | overrides


def test_an_agreement_in_force_inside_a_signed_period_is_refused_by_the_admin(
    client, officer, employer, signed_q1, provincial_officer
):
    client.force_login(officer)
    add = reverse("admin:unions_collectiveagreement_add")

    refused = client.post(add, agreement_form(employer))
    reopen(signed_period=signed_q1, user=provincial_officer, reason="Bổ sung TƯLĐTT")
    added = client.post(add, agreement_form(employer))

    assert refused.status_code == 200
    assert "Quý I/2025" in refused.text
    assert added.status_code == 302
    assert CollectiveAgreement.objects.count() == 1


def test_an_agreement_taking_effect_after_the_period_is_added(
    client, officer, employer, signed_q1
):
    client.force_login(officer)

    added = client.post(
        reverse("admin:unions_collectiveagreement_add"),
        agreement_form(
            employer, signed_on="2025-04-10", effective_on="2025-04-10",
            expires_on="2027-04-10",
        ),
    )  # fmt: skip

    assert added.status_code == 302


def test_a_worker_count_dated_inside_a_signed_period_is_refused_by_the_admin(
    client, officer, employer, signed_q1
):
    client.force_login(officer)
    url = reverse("admin:unions_employer_change", args=[employer.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None
    } | {
        "workers": "700",
        "workers_reported_on": "2025-03-01",
        "workforce_reports-TOTAL_FORMS": "0",
        "workforce_reports-INITIAL_FORMS": "0",
    }

    refused = client.post(url, data)

    assert refused.status_code == 200
    assert "Quý I/2025" in refused.text
    employer.refresh_from_db()
    assert employer.workers == 120


def test_correcting_an_employers_cdcs_is_refused_while_a_period_it_counted_in_is_signed(
    client, officer, employer, signed_q1, cdcs_elsewhere, admin_user
):
    form_class = modelform_factory(
        Employer, form=EmployerForm, fields=["grassroots_union"]
    )
    refused = form_class({"grassroots_union": cdcs_elsewhere.pk}, instance=employer)
    unchanged = form_class(
        {"grassroots_union": employer.grassroots_union_id}, instance=employer
    )

    assert not refused.is_valid()
    assert "Quý I/2025" in " ".join(refused.non_field_errors())
    assert unchanged.is_valid(), unchanged.errors


def test_a_new_employer_founded_after_the_period_is_not_refused(
    officer, district, signed_q1
):
    later = Employer(
        tax_code="0100109106", name="Công ty Mới", kind=Employer.Kind.NON_STATE,
        managing_unit=district, founded_on=date(2025, 5, 1),
    )  # fmt: skip
    earlier = Employer(
        tax_code="0100109106", name="Công ty Cũ", kind=Employer.Kind.NON_STATE,
        managing_unit=district, founded_on=date(2025, 2, 1),
    )  # fmt: skip

    check_employer(later)
    with pytest.raises(ValidationError):
        check_employer(earlier)
