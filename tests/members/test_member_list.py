from datetime import date

import pytest
from django.urls import reverse

from members import services
from tests.factories import UnionUnitFactory

pytestmark = pytest.mark.django_db
URL = reverse("members:member_list")


def names(response):
    return [member.full_name for member in response.context["rows"]]


def test_an_officer_sees_the_members_of_their_scope_only(
    client, officer, admit, cdcs, other_cdcs
):
    admit(cdcs, full_name="Trần Văn Bình")
    admit(other_cdcs, full_name="Lê Thị Cúc")
    client.force_login(officer)

    response = client.get(URL)

    assert names(response) == ["Trần Văn Bình"]


def test_a_search_without_marks_finds_the_name_with_marks(client, officer, admit, cdcs):
    admit(cdcs, full_name="Nguyễn Văn An")
    admit(cdcs, full_name="Phạm Thị Hoa")
    client.force_login(officer)

    response = client.get(URL, {"q": "nguyen van an"})

    assert names(response) == ["Nguyễn Văn An"]


def test_a_search_with_marks_finds_the_same_person(client, officer, admit, cdcs):
    admit(cdcs, full_name="nguyen van an")
    client.force_login(officer)

    response = client.get(URL, {"q": "Nguyễn Văn An"})

    assert names(response) == ["Nguyen Van An"]


def test_d_with_stroke_is_found_by_a_plain_d(client, officer, admit, cdcs):
    admit(cdcs, full_name="Đặng Đức Độ")
    client.force_login(officer)

    response = client.get(URL, {"q": "dang duc"})

    assert names(response) == ["Đặng Đức Độ"]


def test_a_search_matches_the_start_of_words(client, officer, admit, cdcs):
    admit(cdcs, full_name="Trần Thị Anh")
    admit(cdcs, full_name="Lê Thị Lan")
    client.force_login(officer)

    response = client.get(URL, {"q": "an"})

    assert names(response) == ["Trần Thị Anh"]


def test_members_are_listed_in_vietnamese_order_of_given_name(
    client, officer, admit, cdcs
):
    for name in [
        "Lê Đức",
        "Vũ Ân",
        "Hồ Anh",
        "Trần Dung",
        "Lê Ánh",
        "Hà An",
        "Võ Bình",
    ]:
        admit(cdcs, full_name=name)
    client.force_login(officer)

    response = client.get(URL)

    assert names(response) == [
        "Hà An",
        "Hồ Anh",
        "Lê Ánh",
        "Vũ Ân",
        "Võ Bình",
        "Trần Dung",
        "Lê Đức",
    ]


def test_same_given_names_sort_by_family_then_middle_name(client, officer, admit, cdcs):
    for name in ["Trần Văn An", "Lê Văn An", "Lê Thị An"]:
        admit(cdcs, full_name=name)
    client.force_login(officer)

    response = client.get(URL)

    assert names(response) == ["Lê Thị An", "Lê Văn An", "Trần Văn An"]


def test_the_list_shows_who_was_active_on_a_past_date(client, officer, admit, cdcs):
    gone = admit(cdcs, full_name="Trần Văn Cũ").member
    services.record_departure(member=gone, left_on=date(2020, 1, 1), reason="retired")
    admit(cdcs, full_name="Lê Văn Mới", joined_on=date(2021, 1, 1))
    client.force_login(officer)

    before = client.get(URL, {"on": "31/12/2019"})
    after = client.get(URL)

    assert names(before) == ["Trần Văn Cũ"]
    assert names(after) == ["Lê Văn Mới"]


def test_a_past_day_lists_the_same_people_when_read_from_their_own_rows(
    client, officer, admit, cdcs, other_cdcs, monkeypatch
):
    from members import views

    moved = admit(cdcs, full_name="Lê Văn Đi").member
    services.transfer_member(
        member=moved, to_unit=other_cdcs, transferred_on=date(2025, 9, 1)
    )
    admit(cdcs, full_name="Trần Văn Ở")
    admit(other_cdcs, full_name="Phạm Văn Khác")
    client.force_login(officer)

    by_memberships = client.get(URL, {"on": "31/12/2024"})
    monkeypatch.setattr(views, "OWN_ROWS_SHARE", (0, 2))  # every scope, if estimated
    by_own_rows = client.get(URL, {"on": "31/12/2024"})

    assert names(by_memberships) == ["Lê Văn Đi", "Trần Văn Ở"]
    assert names(by_own_rows) == names(by_memberships)


def test_a_unit_filter_narrows_to_its_subtree(client, officer, admit, cdcs, district):
    sibling = UnionUnitFactory(parent=district)
    admit(cdcs, full_name="Trần Văn An")
    admit(sibling, full_name="Lê Văn Bình")
    client.force_login(officer)

    response = client.get(URL, {"unit": sibling.code.lower()})

    assert names(response) == ["Lê Văn Bình"]


def test_a_unit_outside_the_scope_is_a_filter_error(client, officer, other_cdcs):
    client.force_login(officer)

    response = client.get(URL, {"unit": other_cdcs.code})

    assert response.context["form"].errors["unit"]
    assert response.context["rows"] == []


def test_filters_by_gender_age_and_join_year(client, officer, admit, cdcs):
    admit(
        cdcs,
        full_name="Trần Văn Già",
        gender="M",
        birth_date=date(1960, 1, 1),
        cccd="042060000001",
        joined_on=date(1990, 1, 1),
    )
    admit(
        cdcs,
        full_name="Lê Thị Trẻ",
        gender="F",
        birth_date=date(2000, 1, 1),
        cccd="042300000002",
        joined_on=date(2020, 6, 1),
    )
    client.force_login(officer)

    assert names(client.get(URL, {"gender": "F"})) == ["Lê Thị Trẻ"]
    assert names(client.get(URL, {"age": "60+"})) == ["Trần Văn Già"]
    assert names(client.get(URL, {"age": "15-29", "on": "01/01/2024"})) == [
        "Lê Thị Trẻ"
    ]
    assert names(client.get(URL, {"joined_year": "1990"})) == ["Trần Văn Già"]


def test_an_age_band_uses_the_birth_year_when_the_date_is_unknown(
    client, officer, admit, cdcs
):
    admit(
        cdcs,
        full_name="Trần Văn Năm",
        birth_date=None,
        birth_year=1984,
        cccd="042084000003",
    )
    client.force_login(officer)

    assert names(client.get(URL, {"age": "40-49", "on": "01/06/2024"})) == [
        "Trần Văn Năm"
    ]
    assert names(client.get(URL, {"age": "30-39", "on": "01/06/2024"})) == []


def test_officers_can_filter_party_members(client, officer, admit, cdcs):
    admit(cdcs, full_name="Trần Văn Đảng", is_party_member=True)
    admit(cdcs, full_name="Lê Văn Thường")
    client.force_login(officer)

    response = client.get(URL, {"party": "yes"})

    assert names(response) == ["Trần Văn Đảng"]


def test_a_leader_cannot_filter_by_party_membership(client, leader, admit, cdcs):
    admit(cdcs, full_name="Trần Văn Đảng", is_party_member=True)
    admit(cdcs, full_name="Lê Văn Thường")
    client.force_login(leader)

    response = client.get(URL, {"party": "yes"})

    assert "party" not in response.context["form"].fields
    assert len(names(response)) == 2


@pytest.mark.parametrize("role_fixture", ["officer", "leader", "provincial_officer"])
def test_the_list_masks_the_cccd_for_every_role(
    request, client, role_fixture, admit, cdcs
):
    admit(cdcs, cccd="042190012345")
    client.force_login(request.getfixturevalue(role_fixture))

    response = client.get(URL)

    assert "0421****2345" in response.text
    assert "042190012345" not in response.text


def test_pages_follow_each_other_by_keyset(client, officer, admit, cdcs, settings):
    from members import views

    for i in range(7):
        admit(cdcs, full_name=f"Trần Văn {'ABCDEFG'[i]}n")
    client.force_login(officer)
    views.PAGE_SIZE, size = 3, views.PAGE_SIZE
    try:
        first = client.get(URL)
        second = client.get(URL, {"after": first.context["next_id"]})
        back = client.get(URL, {"before": second.context["previous_id"]})
    finally:
        views.PAGE_SIZE = size

    assert names(first) == ["Trần Văn An", "Trần Văn Bn", "Trần Văn Cn"]
    assert names(second) == ["Trần Văn Dn", "Trần Văn En", "Trần Văn Fn"]
    assert names(back) == names(first)


def test_past_the_limit_postgresql_counts_no_further(
    client, officer, admit, cdcs, monkeypatch
):
    from django.db import connection

    from members import views

    if connection.vendor != "postgresql":
        pytest.skip("the planner's estimate is PostgreSQL's")
    for i in range(4):
        admit(cdcs, full_name=f"Trần Văn {'ABCD'[i]}")
    client.force_login(officer)
    monkeypatch.setattr(views, "COUNT_LIMIT", 2)

    response = client.get(URL)

    assert response.context["count"] == 3  # limit + 1: "more than 2", or the estimate


@pytest.mark.parametrize(
    ("exact_limit", "count", "shown"),
    [(10, 5, "5 đoàn viên đang sinh hoạt"), (3, 4, "Hơn 3 đoàn viên")],
)
def test_without_a_planner_estimate_the_count_is_exact_up_to_a_larger_limit(
    client, officer, admit, cdcs, monkeypatch, exact_limit, count, shown
):
    from members import views

    for i in range(5):
        admit(cdcs, full_name=f"Trần Văn {'ABCDE'[i]}")
    client.force_login(officer)
    monkeypatch.setattr(views, "COUNT_LIMIT", 2)
    monkeypatch.setattr(views, "EXACT_COUNT_LIMIT", exact_limit)
    monkeypatch.setattr(views, "planned_rows", lambda queryset: None)

    response = client.get(URL)

    assert response.context["count"] == count
    assert shown in response.text


def test_typing_refreshes_only_the_results(client, officer, admit, cdcs):
    admit(cdcs, full_name="Nguyễn Văn An")
    client.force_login(officer)

    response = client.get(URL, {"q": "ngu"}, headers={"X-Fragment": "rows"})

    assert response.text.lstrip().startswith('<div id="results"')
    assert "Nguyễn Văn An" in response.text


def test_the_list_takes_a_fixed_number_of_queries(
    client, officer, admit, cdcs, django_assert_max_num_queries
):
    for i in range(20):
        admit(cdcs, full_name=f"Trần Văn {chr(65 + i)}")
    client.force_login(officer)

    with django_assert_max_num_queries(9):
        client.get(URL, {"q": "tran"})


@pytest.mark.parametrize("params", [{}, {"q": "nguyen"}, {"on": "01/01/2024"}])
def test_an_officer_without_a_unit_sees_an_empty_list(client, db, admit, cdcs, params):
    from registry.roles import Role
    from tests.factories import UserFactory

    admit(cdcs, full_name="Nguyễn Văn An")
    client.force_login(UserFactory(role=Role.UPPER_LEVEL, unit=None))

    response = client.get(URL, params)

    assert response.status_code == 200
    assert names(response) == []


def test_a_user_without_a_role_permission_is_refused(client, db):
    from tests.factories import UserFactory

    user = UserFactory(role="nobody")
    client.force_login(user)

    response = client.get(URL)

    assert response.status_code == 403
