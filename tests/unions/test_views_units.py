from datetime import date

import pytest
from django.urls import reverse

from tests.factories import EmployerFactory, MembershipFactory, UnionUnitFactory
from unions.services import move_unit

pytestmark = pytest.mark.django_db


def test_unit_tree_shows_the_officers_subtree_only(
    client, officer, district, other_district
):
    client.force_login(officer)

    response = client.get(reverse("unions:unit_tree"))

    assert response.status_code == 200
    assert district.name in response.text
    assert other_district.name not in response.text


def test_unit_tree_counts_active_grassroots_unions_under_each_unit(
    client, provincial_officer, province, district, cdcs
):
    UnionUnitFactory(parent=district, code="CDCS-OLD", dissolved_on="2020-01-01")
    client.force_login(provincial_officer)

    response = client.get(reverse("unions:unit_tree"))

    units = {unit.code: unit for unit in response.context["units"]}
    assert units["CD-KCN"].grassroots_count == 1
    assert units["LDLD-HT"].grassroots_count == 1


def test_unit_page_of_another_subtree_is_not_found(client, officer, other_district):
    client.force_login(officer)

    response = client.get(reverse("unions:unit_detail", args=[other_district.code]))

    assert response.status_code == 404


def test_unit_page_lists_children_and_managed_employers(
    client, officer, district, cdcs
):
    EmployerFactory(managing_unit=district, name="Công ty Dệt Hồng Lĩnh")
    client.force_login(officer)

    response = client.get(reverse("unions:unit_detail", args=[district.code]))

    assert cdcs.name in response.text
    assert "Công ty Dệt Hồng Lĩnh" in response.text


def test_grassroots_officer_sees_the_employer_of_their_own_union(
    client, grassroots_officer, employer
):
    client.force_login(grassroots_officer)

    response = client.get(employer.get_absolute_url())

    assert response.status_code == 200


def test_employer_outside_scope_is_not_found(
    client, grassroots_officer, other_district
):
    elsewhere = EmployerFactory(managing_unit=other_district)
    client.force_login(grassroots_officer)

    response = client.get(elsewhere.get_absolute_url())

    assert response.status_code == 404


def test_pages_need_a_login(client, district):
    response = client.get(reverse("unions:unit_detail", args=[district.code]))

    assert response.status_code == 302


def test_unit_tree_counts_only_the_units_directly_under_that_are_active(
    client, provincial_officer, province, district, cdcs
):
    UnionUnitFactory(parent=district, code="CDCS-OLD", dissolved_on="2020-01-01")
    UnionUnitFactory(parent=district, code="CDCS-NEW")
    client.force_login(provincial_officer)

    response = client.get(reverse("unions:unit_tree"))

    units = {unit.code: unit for unit in response.context["units"]}
    assert units["CD-KCN"].children_count == 2
    assert units["LDLD-HT"].children_count == 1


def test_unit_tree_hides_ended_units_until_asked(client, provincial_officer, province):
    ended = UnionUnitFactory(
        parent=province,
        code="LDLD-H01",
        name="Liên đoàn Lao động huyện Kỳ Anh",
        kind="district",
        founded_on="1991-12-01",
        dissolved_on="2025-07-01",
    )
    client.force_login(provincial_officer)

    hidden = client.get(reverse("unions:unit_tree"))
    shown = client.get(reverse("unions:unit_tree"), {"ended": "1"})

    assert ended.name not in hidden.text
    assert ended.name in shown.text


def test_unit_page_counts_members_of_each_grassroots_union_today(
    client, officer, district, cdcs
):
    from tests.factories import MembershipFactory

    MembershipFactory(unit=cdcs)
    MembershipFactory(unit=cdcs, left_on="2020-01-01")
    client.force_login(officer)

    response = client.get(reverse("unions:unit_detail", args=[district.code]))

    [child] = response.context["children"]
    assert child.members_count == 1


def test_unit_page_pagination_links_carry_a_single_question_mark(
    client, officer, district
):
    for n in range(51):
        EmployerFactory(managing_unit=district, name=f"Công ty Số {n}")
    client.force_login(officer)

    response = client.get(reverse("unions:unit_detail", args=[district.code]))

    assert 'href="?employers_page=2"' in response.text
    assert "??" not in response.text


def test_a_grassroots_union_page_counts_its_members_and_links_to_them(
    client, grassroots_officer, cdcs
):
    from tests.factories import MembershipFactory

    MembershipFactory(unit=cdcs)
    MembershipFactory(unit=cdcs)
    MembershipFactory(unit=cdcs, left_on="2020-01-01")
    client.force_login(grassroots_officer)

    response = client.get(reverse("unions:unit_detail", args=[cdcs.code]))

    assert response.context["members_count"] == 2
    assert f"{reverse('members:member_list')}?unit={cdcs.code}" in response.text


def test_a_unit_page_links_to_the_units_coverage_figures(client, leader, province):
    client.force_login(leader)

    response = client.get(reverse("unions:unit_detail", args=[province.code]))

    assert f"{reverse('unions:dashboard')}?unit={province.code}" in response.text


@pytest.fixture
def reorganised(province, district, other_district, cdcs):
    """The CĐCS moves from ``district`` to ``other_district`` on 01/07/2025."""
    MembershipFactory.create_batch(2, unit=cdcs, started_on=date(2020, 1, 1))
    move_unit(
        decision="Test/QĐ",
        unit=cdcs,
        new_parent=other_district,
        moved_on=date(2025, 7, 1),
    )
    return cdcs


def test_unit_tree_on_a_past_date_counts_grassroots_unions_under_their_parent_then(
    client, provincial_officer, reorganised, district, other_district
):
    client.force_login(provincial_officer)

    past = client.get(reverse("unions:unit_tree"), {"as_of": "31/03/2024"})
    today = client.get(reverse("unions:unit_tree"))

    def counts(response):
        return {u.code: u.grassroots_count for u in response.context["units"]}

    assert counts(past)["CD-KCN"] == 1
    assert counts(today)["CD-KCN"] == 0
    assert counts(today)[other_district.code] == 1
    assert "31/03/2024" in past.text


def test_unit_tree_refuses_a_date_it_cannot_read(client, provincial_officer, province):
    client.force_login(provincial_officer)

    response = client.get(reverse("unions:unit_tree"), {"as_of": "31/13/2024"})

    assert response.status_code == 400
    assert "31/03/2024" in response.text  # the example in the message


def test_unit_page_on_a_past_date_lists_the_children_of_that_date(
    client, provincial_officer, reorganised, district
):
    client.force_login(provincial_officer)
    url = reverse("unions:unit_detail", args=[district.code])

    past = client.get(url, {"as_of": "31/03/2024"})
    today = client.get(url)

    assert [child.code for child in past.context["children"]] == [reorganised.code]
    assert [child.members_count for child in past.context["children"]] == [2]
    assert list(today.context["children"]) == []
