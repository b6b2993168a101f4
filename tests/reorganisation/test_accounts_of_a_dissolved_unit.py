"""The accounts of a dissolved upper-level unit go to its successor, or to the unit
above it, in the same step; the preview lists them and undo puts them back."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from members import reorganisation as with_members
from registry.models import User
from tests.factories import UserFactory
from unions import reorganisation

from .conftest import snapshot

pytestmark = pytest.mark.django_db

AUGUST = date(2025, 8, 1)


@pytest.fixture
def commune_officer(tree):
    return UserFactory(username="canbo_xa", role="upper_level", unit=tree["CD-XA-A"])


def test_the_accounts_go_to_the_unit_above_and_undo_puts_them_back(
    tree, officer_a, commune_officer
):
    before = snapshot()

    record = reorganisation.dissolve_unit(
        unit=tree["CD-XA-A"], dissolved_on=AUGUST, decision="5/QĐ", user=officer_a
    )

    assert User.objects.get(username="canbo_xa").unit == tree["LDLD-A"]
    [row] = record.summary["accounts"]
    assert (row["username"], row["from"], row["to"]) == (
        "canbo_xa",
        "CD-XA-A",
        "LDLD-A",
    )
    with_members.undo(reorganisation_record=record, user=officer_a)
    assert snapshot() == before


def test_the_accounts_go_to_the_successor_named(tree, officer_a, commune_officer):
    reorganisation.dissolve_unit(
        unit=tree["CD-XA-A"],
        dissolved_on=AUGUST,
        decision="5/QĐ",
        successor=tree["LDLD-A1"],
        user=officer_a,
    )

    assert User.objects.get(username="canbo_xa").unit == tree["LDLD-A1"]


@pytest.mark.parametrize(
    "successor, message",
    [
        ("CD-XA-A", "cấp trên"),  # itself
        ("CDCS-A1", "cấp trên"),  # a CĐCS
        ("CDCS-B1", "phạm vi"),  # another province
    ],
)
def test_a_successor_that_cannot_take_the_accounts_is_refused(
    tree, officer_a, commune_officer, successor, message
):
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        reorganisation.dissolve_unit(
            unit=tree["CD-XA-A"],
            dissolved_on=AUGUST,
            decision="5/QĐ",
            successor=tree[successor],
            user=officer_a,
        )

    assert message in " ".join(refused.value.messages)
    assert snapshot() == before


def test_a_successor_dissolved_on_the_date_is_refused(tree, officer_a):
    reorganisation.dissolve_unit(
        unit=tree["CD-XA-A"], dissolved_on=AUGUST, decision="5/QĐ", user=officer_a
    )
    other = UserFactory(role="provincial", unit=tree["LDLD-A"])
    district = tree["LDLD-A1"]

    with pytest.raises(ValidationError):
        reorganisation.dissolve_unit(
            unit=district,
            dissolved_on=date(2025, 9, 1),
            decision="6/QĐ",
            successor=tree["CD-XA-A"],
            user=other,
        )


def test_the_preview_lists_the_accounts_whose_scope_changes(
    client, tree, officer_a, commune_officer
):
    client.force_login(officer_a)
    before = snapshot()

    response = client.post(
        reverse("reorganisation:operation_form", args=["dissolve-unit"]),
        {
            "unit": "CD-XA-A",
            "successor": "LDLD-A1",
            "effective_on": "01/08/2025",
            "decision": "5/QĐ",
        },
    )

    assert [a["to"] for a in response.context["preview"]["accounts"]] == ["LDLD-A1"]
    assert "Tài khoản" in response.text and "canbo_xa" in response.text
    assert snapshot() == before
