"""The union-unit admin: the scoped, indented tree, and changes through the services."""

from datetime import date

import pytest
from django.urls import reverse

from tests.factories import UnionUnitFactory
from unions.models import UnionUnit

pytestmark = pytest.mark.django_db

Kind = UnionUnit.Kind
CHANGELIST = reverse("admin:unions_unionunit_changelist")
ADD = reverse("admin:unions_unionunit_add")


def change_url(unit):
    return reverse("admin:unions_unionunit_change", args=[unit.pk])


def listed_codes(response):
    return {unit.code for unit in response.context["cl"].result_list}


def new_unit(**overrides):
    return {
        "code": "CDCS-MOI",
        "name": "Công đoàn Công ty Dệt Mới",
        "kind": Kind.GRASSROOTS,
        "parent": "CD-KCN",
        "founded_on": "2025-08-01",
        "decision": "",
        "province": "",
        "ward": "",
        "moves-TOTAL_FORMS": "0",
        "moves-INITIAL_FORMS": "0",
    } | overrides


def test_the_tree_lists_units_in_tree_order_indented_by_depth(
    admin_client, province, district, cdcs, other_district
):
    response = admin_client.get(CHANGELIST)

    assert [u.code for u in response.context["cl"].result_list] == [
        "LDLD-HT",
        "CD-KCN",
        "CDCS-A",
        "CD-XA-1",
    ]
    assert 'padding-left: 3.0em">Công đoàn Công ty May A' in response.text


def test_the_tree_counts_children_and_active_cdcs_under_each_unit(
    admin_client, province, district, cdcs, other_cdcs
):
    UnionUnitFactory(parent=district, code="CDCS-OLD", dissolved_on=date(2020, 1, 1))

    response = admin_client.get(CHANGELIST)

    units = {u.code: u for u in response.context["cl"].result_list}
    assert (units["LDLD-HT"].numchild, units["LDLD-HT"].grassroots_count) == (2, 2)
    assert (units["CD-KCN"].numchild, units["CD-KCN"].grassroots_count) == (2, 1)
    assert units["CDCS-A"].grassroots_count == 0


def test_indentation_starts_at_the_officers_own_unit(client, officer, district, cdcs):
    client.force_login(officer)

    response = client.get(CHANGELIST)

    assert 'padding-left: 0.0em">Công đoàn các KCN tỉnh' in response.text
    assert 'padding-left: 1.5em">Công đoàn Công ty May A' in response.text


def test_search_ignores_accents_and_matches_codes(admin_client, cdcs, other_cdcs):
    by_name = admin_client.get(CHANGELIST, {"q": "cong ty MAY"})
    by_code = admin_client.get(CHANGELIST, {"q": "cdcs-b"})

    assert listed_codes(by_name) == {"CDCS-A"}
    assert listed_codes(by_code) == {"CDCS-B"}


def test_filters_by_kind_and_by_being_active(admin_client, province, cdcs, other_cdcs):
    dissolved = UnionUnitFactory(
        parent=province, code="CDCS-OLD", dissolved_on=date(2020, 1, 1)
    )

    grassroots = admin_client.get(CHANGELIST, {"kind__exact": Kind.GRASSROOTS})
    ended = admin_client.get(CHANGELIST, {"active": "no"})
    running = admin_client.get(CHANGELIST, {"active": "yes"})

    assert listed_codes(grassroots) == {"CDCS-A", "CDCS-B", "CDCS-OLD"}
    assert listed_codes(ended) == {dissolved.code}
    assert dissolved.code not in listed_codes(running)


def test_the_tree_runs_a_fixed_number_of_queries(
    admin_client, django_assert_max_num_queries, province, district, other_district
):
    for n in range(30):
        UnionUnitFactory(
            parent=district if n % 2 else other_district, code=f"CDCS-{n:03}"
        )

    with django_assert_max_num_queries(8):
        response = admin_client.get(CHANGELIST)

    assert len(response.context["cl"].result_list) == 33


def test_a_unit_is_founded_under_a_parent_typed_by_its_code(client, officer, district):
    client.force_login(officer)

    response = client.post(ADD, new_unit(parent="cd-kcn"))

    assert response.status_code == 302
    unit = UnionUnit.objects.get(code="CDCS-MOI")
    assert UnionUnit.objects.get_parent(unit) == district
    assert unit.search_name == "cdcs moi cong doan cong ty det moi"


def test_a_unit_can_be_added_under_a_leaf_upper_level_unit(
    admin_client, other_district
):
    response = admin_client.post(ADD, new_unit(parent="CD-XA-1"))

    assert response.status_code == 302
    other_district.refresh_from_db()
    assert other_district.numchild == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": Kind.COMMUNE}, None),  # a commune union sits under a province only
        ({"parent": "CDCS-A"}, None),  # a CĐCS holds no units
        ({"code": "cdcs-a"}, "code"),  # duplicate, whatever the case
        ({"parent": "LDLD-NA"}, "parent"),  # another province: not in scope
        ({"parent": ""}, "parent"),  # only a system administrator founds a root
    ],
)
def test_a_refused_unit_gets_a_form_error_and_nothing_is_saved(
    client, provincial_officer, district, cdcs, overrides, field
):
    UnionUnitFactory(code="LDLD-NA", kind=Kind.PROVINCIAL)
    client.force_login(provincial_officer)
    before = UnionUnit.objects.count()

    response = client.post(ADD, new_unit(parent="CD-KCN") | overrides)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors[field or "__all__"]
    assert UnionUnit.objects.count() == before


def test_a_system_administrator_may_found_a_root_unit(admin_client):
    response = admin_client.post(
        ADD, new_unit(code="LDLD-QT", kind=Kind.PROVINCIAL, parent="")
    )

    assert response.status_code == 302
    assert UnionUnit.objects.get(code="LDLD-QT").is_root()


def test_changing_a_unit_goes_through_the_kind_rules(admin_client, district, cdcs):
    response = admin_client.post(
        change_url(district),
        new_unit(
            code="CD-KCN",
            name="Công đoàn KCN",
            kind=Kind.GRASSROOTS,
            founded_on="2000-01-01",
        ),
    )

    assert response.status_code == 200
    district.refresh_from_db()
    assert district.kind == Kind.INDUSTRIAL_ZONE


def test_changing_a_units_name_keeps_its_place(admin_client, district, cdcs):
    response = admin_client.post(
        change_url(cdcs),
        new_unit(
            code="CDCS-A", name="  Công đoàn  Công ty May A1 ", founded_on="2010-01-01"
        ),
    )

    assert response.status_code == 302
    cdcs.refresh_from_db()
    assert cdcs.name == "Công đoàn Công ty May A1"
    assert UnionUnit.objects.get_parent(cdcs) == district


def test_another_units_change_page_is_not_found(client, officer, other_district):
    client.force_login(officer)

    response = client.get(change_url(other_district))

    assert response.status_code == 404


def test_units_are_never_deleted(admin_client, cdcs):
    response = admin_client.post(
        reverse("admin:unions_unionunit_delete", args=[cdcs.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert UnionUnit.objects.filter(pk=cdcs.pk).exists()


def test_the_admin_move_and_dissolve_open_the_reorganisation_forms(
    client, provincial_officer, district, cdcs
):
    client.force_login(provincial_officer)

    moved = client.get(reverse("admin:unions_unionunit_move", args=[cdcs.pk]))
    cdcs_ended = client.get(reverse("admin:unions_unionunit_dissolve", args=[cdcs.pk]))
    district_ended = client.get(
        reverse("admin:unions_unionunit_dissolve", args=[district.pk])
    )

    assert moved.url == "/reorganise/move/?unit=CDCS-A"
    assert cdcs_ended.url == "/reorganise/dissolve-cdcs/?unit=CDCS-A"
    assert district_ended.url == "/reorganise/dissolve-unit/?unit=CD-KCN"


def test_another_units_move_page_is_not_found(client, provincial_officer, db):
    from tests.factories import UnionUnitFactory

    elsewhere = UnionUnitFactory(code="LDLD-KHAC", kind=UnionUnit.Kind.PROVINCIAL)
    client.force_login(provincial_officer)

    response = client.get(reverse("admin:unions_unionunit_move", args=[elsewhere.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("account", ["leader", "officer"])
def test_roles_below_provincial_cannot_open_the_move_page(
    client, request, account, cdcs
):
    client.force_login(request.getfixturevalue(account))

    response = client.get(reverse("admin:unions_unionunit_move", args=[cdcs.pk]))

    assert response.status_code == 403


def test_a_units_code_changes_only_by_recoding(admin_client, cdcs):
    response = admin_client.get(
        reverse("admin:unions_unionunit_change", args=[cdcs.pk])
    )

    assert "code" not in response.context["adminform"].form.fields


def test_an_officer_sees_the_units_moves_on_its_page(
    client, provincial_officer, cdcs, other_district
):
    from unions.services import move_unit

    move_unit(
        unit=cdcs,
        new_parent=other_district,
        moved_on=date(2025, 7, 1),
        decision="12/QĐ",
    )
    client.force_login(provincial_officer)

    response = client.get(change_url(cdcs))

    assert "12/QĐ" in response.text
