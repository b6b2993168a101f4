"""The reorganisation pages: a form, its preview (nothing changed), applying, undoing."""

import pytest
from django.urls import reverse

from unions.models import Reorganisation, UnionUnit

from .conftest import snapshot

pytestmark = pytest.mark.django_db

MOVE = {
    "unit": "CDCS-A1",
    "new_parent": "CD-XA-A",
    "effective_on": "01/07/2025",
    "decision": "12/QĐ-LĐLĐ",
}


def test_the_preview_lists_what_a_move_touches_and_changes_nothing(
    client, tree, officer_a
):
    client.force_login(officer_a)
    before = snapshot()

    response = client.post(
        reverse("reorganisation:operation_form", args=["move"]), MOVE
    )

    assert response.status_code == 200
    preview = response.context["preview"]
    assert [row["code"] for row in preview["units"]] == ["CDCS-A1"]
    assert (preview["grassroots"], preview["members"]) == (1, 3)
    assert "Xem trước" in response.text and "CD-XA-A" in response.text
    assert snapshot() == before


def test_applying_records_the_operation_and_shows_its_result(client, tree, officer_a):
    client.force_login(officer_a)

    response = client.post(
        reverse("reorganisation:operation_apply", args=["move"]), MOVE, follow=True
    )

    record = Reorganisation.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "reorganisation:operation_detail", args=[record.pk]
    )
    assert UnionUnit.objects.get_parent(tree["CDCS-A1"]) == tree["CD-XA-A"]
    assert response.context["can_undo"]


def test_undo_from_the_result_page_restores_the_tree(client, tree, officer_a):
    client.force_login(officer_a)
    before = snapshot()
    client.post(reverse("reorganisation:operation_apply", args=["move"]), MOVE)
    record = Reorganisation.objects.get()

    client.post(reverse("reorganisation:operation_undo", args=[record.pk]))

    assert snapshot() == before


def test_a_refusal_is_shown_on_the_form_and_nothing_changes(client, tree, officer_a):
    client.force_login(officer_a)
    before = snapshot()

    response = client.post(
        reverse("reorganisation:operation_form", args=["move"]),
        {**MOVE, "effective_on": "01/01/2024"},
    )

    assert response.context["preview"] is None
    assert "thành lập ngày 01/07/2025" in response.text
    assert snapshot() == before


def test_a_unit_of_another_province_is_not_found(client, tree, officer_a):
    client.force_login(officer_a)

    response = client.post(
        reverse("reorganisation:operation_form", args=["move"]),
        {**MOVE, "unit": "CDCS-B1"},
    )

    assert response.context["form"].errors["unit"]
    assert response.context["preview"] is None


def test_an_officer_cannot_open_another_provinces_operation(
    client, tree, officer_a, officer_b
):
    client.force_login(officer_a)
    client.post(reverse("reorganisation:operation_apply", args=["move"]), MOVE)
    record = Reorganisation.objects.get()
    client.force_login(officer_b)

    assert (
        client.get(
            reverse("reorganisation:operation_detail", args=[record.pk])
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("reorganisation:operation_undo", args=[record.pk])
        ).status_code
        == 404
    )


@pytest.mark.parametrize("role", ["upper_level", "grassroots", "leader"])
def test_lower_roles_are_refused_the_pages(client, tree, role):
    from tests.factories import UserFactory

    client.force_login(UserFactory(role=role, unit=tree["LDLD-A"]))

    for url in [
        reverse("reorganisation:operation_list"),
        reverse("reorganisation:operation_form", args=["merge"]),
    ]:
        assert client.get(url).status_code == 403
    assert (
        client.post(
            reverse("reorganisation:operation_apply", args=["move"]), MOVE
        ).status_code
        == 403
    )
    assert not Reorganisation.objects.exists()


@pytest.mark.parametrize(
    "operation, data",
    [
        (
            "merge",
            {
                "units": "LDLD-A1",
                "new_code": "CD-XA-2",
                "new_name": "Công đoàn xã Hai",
                "new_kind": "commune",
                "new_parent": "LDLD-A",
            },
        ),
        ("recode", {"unit": "CDCS-A1", "code": "A1-MOI"}),
        ("dissolve-cdcs", {"unit": "CDCS-A1", "transfer_to": "CDCS-A2"}),
        ("dissolve-unit", {"unit": "CD-XA-A"}),
    ],
)
def test_every_operation_has_a_form_with_a_preview(
    client, tree, officer_a, operation, data
):
    client.force_login(officer_a)
    url = reverse("reorganisation:operation_form", args=[operation])
    dates = {"effective_on": "01/08/2025", "decision": "9/QĐ"}

    assert client.get(url).status_code == 200
    response = client.post(url, {**data, **dates})

    assert response.context["form"].errors == {}
    assert response.context["preview"]["units"]
    assert not Reorganisation.objects.exists()


def test_the_list_shows_the_operations_of_the_scope(client, tree, officer_a, officer_b):
    client.force_login(officer_a)
    client.post(reverse("reorganisation:operation_apply", args=["move"]), MOVE)

    assert "12/QĐ-LĐLĐ" in client.get(reverse("reorganisation:operation_list")).text
    client.force_login(officer_b)
    assert "12/QĐ-LĐLĐ" not in client.get(reverse("reorganisation:operation_list")).text
