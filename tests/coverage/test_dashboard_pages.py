import io
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from registry.models import AccessLog
from tests.factories import (
    CollectiveAgreementFactory,
    EmployerFactory,
    IndustrialZoneFactory,
    MembershipFactory,
    UnionUnitFactory,
)
from unions.models import Employer
from unions.services import move_unit

from .factories import TargetFactory

pytestmark = pytest.mark.django_db

AS_OF = "31/03/2024"


@pytest.fixture
def registry(province, district, other_district, cdcs, other_cdcs):
    """A small province: members, one covered employer, two white spots."""
    MembershipFactory.create_batch(3, unit=cdcs, started_on=date(2020, 1, 1))
    covered = EmployerFactory(
        managing_unit=district, grassroots_union=cdcs, workers=120
    )
    CollectiveAgreementFactory(
        employer=covered,
        signed_on=date(2022, 1, 1),
        effective_on=date(2022, 1, 1),
        expires_on=date(2024, 5, 1),
    )
    EmployerFactory(managing_unit=district, name="Công ty Lớn", workers=900)
    EmployerFactory(managing_unit=district, name="Công ty Nhỏ", workers=30)
    return province


def get(client, name, **params):
    return client.get(reverse(f"unions:{name}"), params)


def test_a_leader_sees_the_figures_of_their_unit(client, leader, registry):
    client.force_login(leader)

    response = get(client, "dashboard", as_of=AS_OF)

    assert response.status_code == 200
    total = response.context["total"]
    assert (total.unit, total.members, total.employers_eligible) == (registry, 3, 3)
    assert b'data-figure="members">3<' in response.content


@pytest.mark.parametrize(
    "role",
    ["admin_user", "provincial_officer", "officer", "grassroots_officer", "leader"],
)
def test_every_role_opens_the_dashboard_of_its_own_unit(
    client, request, registry, role
):
    user = request.getfixturevalue(role)
    client.force_login(user)

    response = get(client, "dashboard", as_of=AS_OF)

    assert response.status_code == 200
    assert response.context["unit"] == (user.unit or registry)


def test_a_unit_outside_the_users_scope_is_a_404_with_a_message(
    client, officer, other_district
):
    client.force_login(officer)

    response = get(client, "dashboard", unit=other_district.code)

    assert response.status_code == 404
    assert "total" not in response.context
    assert other_district.code.encode() in response.content


def test_an_unknown_code_is_a_404(client, leader, registry):
    client.force_login(leader)

    assert get(client, "dashboard", unit="KHONG-CO").status_code == 404


@pytest.mark.parametrize(
    "as_of",
    [
        (date.today() + timedelta(days=1)).strftime("%d/%m/%Y"),
        "31/12/1899",
        "31/02/2024",
        "hôm qua",
    ],
)
def test_a_bad_date_is_a_400_with_a_message(client, leader, registry, as_of):
    client.force_login(leader)

    response = get(client, "dashboard", as_of=as_of)

    assert response.status_code == 400
    assert response.context["form"].errors["as_of"]


def test_each_child_row_drills_down_to_that_unit(client, leader, registry, district):
    client.force_login(leader)

    response = get(client, "dashboard", as_of=AS_OF)
    drilled = get(client, "dashboard", unit=district.code, as_of=AS_OF)

    assert f'data-drill="{district.code}"'.encode() in response.content
    assert drilled.context["total"].members == 3


def test_the_children_table_sorts_by_a_figure(client, leader, registry, district, cdcs):
    sibling = UnionUnitFactory(parent=district, code="CDCS-Z")
    MembershipFactory.create_batch(5, unit=sibling, started_on=date(2020, 1, 1))
    client.force_login(leader)

    response = get(
        client, "dashboard", unit=district.code, as_of=AS_OF, sort="-members"
    )

    rows = [(row.unit, row.is_own) for row in response.context["children"]]
    assert rows == [(sibling, False), (cdcs, False), (district, True)]


def test_targets_show_progress(client, leader, registry, cdcs):
    TargetFactory(unit=registry, year=2024, new_members=4)
    MembershipFactory(unit=cdcs, started_on=date(2024, 2, 1))
    client.force_login(leader)

    response = get(client, "dashboard", as_of=AS_OF)

    assert response.context["progress"]["new_members"] == 1 / 4
    assert "25 %" in response.content.decode().replace("\xa0", " ")


def test_the_dashboard_reads_a_bounded_number_of_queries(
    client, leader, registry, django_assert_max_num_queries
):
    for number in range(10):
        UnionUnitFactory(parent=registry, code=f"XA-{number}", kind="commune")
    client.force_login(leader)

    with django_assert_max_num_queries(35):  # the same for 10 children or 1,000
        get(client, "dashboard", as_of=AS_OF)


def test_white_spots_are_the_largest_employers_without_a_union_first(
    client, leader, registry
):
    client.force_login(leader)

    response = get(client, "dashboard_white_spots", as_of=AS_OF)

    assert [e.name for e in response.context["page"]] == ["Công ty Lớn", "Công ty Nhỏ"]


def test_white_spots_filter_by_zone_type_and_ward(client, leader, registry, district):
    zone = IndustrialZoneFactory()
    EmployerFactory(
        managing_unit=district, industrial_zone=zone, kind=Employer.Kind.FDI, workers=50
    )
    client.force_login(leader)

    by_zone = get(client, "dashboard_white_spots", as_of=AS_OF, zone=zone.code)
    by_kind = get(client, "dashboard_white_spots", as_of=AS_OF, kind="fdi")

    assert [e.industrial_zone for e in by_zone.context["page"]] == [zone]
    assert [e.kind for e in by_kind.context["page"]] == ["fdi"]


def test_white_spots_are_counted_with_and_without_a_filter(
    client, leader, registry, district
):
    EmployerFactory(managing_unit=district, kind=Employer.Kind.FDI, workers=50)
    client.force_login(leader)

    everyone = get(client, "dashboard_white_spots", as_of=AS_OF)
    fdi = get(client, "dashboard_white_spots", as_of=AS_OF, kind="fdi")

    assert everyone.context["page"].paginator.count == 3
    assert fdi.context["page"].paginator.count == 1


def test_white_spots_past_the_first_page_continue_the_order(client, leader, district):
    for workers in range(10, 70):
        EmployerFactory(managing_unit=district, workers=workers)
    client.force_login(leader)

    second = get(client, "dashboard_white_spots", as_of=AS_OF, page=2)

    assert [e.workers_on for e in second.context["page"]] == list(range(19, 9, -1))


def test_the_white_spot_export_matches_the_list_and_is_logged(client, leader, registry):
    client.force_login(leader)

    response = get(client, "dashboard_white_spots_export", as_of=AS_OF)

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(row[2], row[4]) for row in rows] == [
        ("Công ty Lớn", 900),
        ("Công ty Nhỏ", 30),
    ]
    assert AccessLog.objects.filter(user=leader, action="export").count() == 1


def test_a_grassroots_officer_cannot_export(client, grassroots_officer, registry):
    client.force_login(grassroots_officer)

    assert get(client, "dashboard_white_spots_export").status_code == 403


def test_renewals_list_agreements_lapsed_or_expiring_within_90_days(
    client, leader, registry
):
    client.force_login(leader)

    soon = get(client, "dashboard_renewals", as_of="01/03/2024")  # expires 01/05/2024
    early = get(client, "dashboard_renewals", as_of="01/01/2024")  # 121 days left
    lapsed = get(client, "dashboard_renewals", as_of="01/06/2024")

    assert len(soon.context["page"]) == 1
    assert len(early.context["page"]) == 0
    assert len(lapsed.context["page"]) == 1


def test_the_renewal_export_names_the_cdcs_to_contact(client, leader, registry, cdcs):
    client.force_login(leader)

    response = get(client, "dashboard_renewals_export", as_of="01/03/2024")

    row = next(
        load_workbook(io.BytesIO(response.content)).active.iter_rows(
            min_row=2, values_only=True
        )
    )
    assert row[6:8] == (cdcs.code, cdcs.name)


def test_the_report_page_shows_rows_and_a_total(client, provincial_officer, registry):
    client.force_login(provincial_officer)

    response = get(client, "dashboard_report", starts_on="01/01/2024", ends_on=AS_OF)

    assert response.status_code == 200
    assert response.context["report"].total.members_at_end == 3


def test_a_reversed_period_is_a_400(client, provincial_officer, registry):
    client.force_login(provincial_officer)

    response = get(client, "dashboard_report", starts_on="01/04/2024", ends_on=AS_OF)

    assert response.status_code == 400


def test_the_report_downloads_as_a_workbook_ready_to_print(
    client, provincial_officer, registry
):
    client.force_login(provincial_officer)

    response = get(
        client, "dashboard_report_export", starts_on="01/01/2024", ends_on=AS_OF
    )

    sheet = load_workbook(io.BytesIO(response.content)).active
    texts = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == "$7:$8"  # the table's two header rows
    assert registry.name.upper() in texts
    assert AccessLog.objects.filter(user=provincial_officer, action="export").exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("unions:dashboard"))

    assert response.status_code == 302


def test_the_unit_picker_offers_upper_level_units_with_their_names_escaped(
    client, leader, registry, cdcs
):
    UnionUnitFactory(
        parent=registry, code="XA-1", kind="commune", name='Công đoàn "Xã" <b>&'
    )
    client.force_login(leader)

    html = get(client, "dashboard", as_of=AS_OF).content.decode()

    assert (
        '<option value="XA-1">Công đoàn &quot;Xã&quot; &lt;b&gt;&amp;</option>' in html
    )
    assert f'<option value="{cdcs.code}">' not in html


@pytest.fixture
def moved(registry, district, other_district, cdcs):
    """The CĐCS with 3 members moved from ``district`` to ``other_district`` in 2025."""
    move_unit(
        decision="Test/QĐ",
        unit=cdcs,
        new_parent=other_district,
        moved_on=date(2025, 7, 1),
    )
    return cdcs


def child_members(response):
    return {row.unit.code: row.members for row in response.context["children"]}


def test_a_past_date_is_counted_on_the_structure_of_that_date_by_default(
    client, leader, moved, district, other_district
):
    client.force_login(leader)

    response = get(client, "dashboard", as_of=AS_OF)

    assert child_members(response) == {district.code: 3, other_district.code: 0}
    assert response.context["structure"] == "historical"
    assert b'data-structure="historical"' in response.content
    assert b"structure=current" in response.content  # the switch


def test_the_switch_restates_the_past_in_todays_structure(
    client, leader, moved, district, other_district
):
    client.force_login(leader)

    response = get(client, "dashboard", as_of=AS_OF, structure="current")

    assert child_members(response) == {district.code: 0, other_district.code: 3}
    assert response.context["total"].members == 3
    assert b'data-structure="current"' in response.content
    [drill] = re.findall(
        rf'href="([^"]*)" data-drill="{other_district.code}"', response.content.decode()
    )
    assert "structure=current" in drill and "as_of=31%2F03%2F2024" in drill


def test_an_unknown_structure_is_a_400_with_a_message(client, leader, registry):
    client.force_login(leader)

    response = get(client, "dashboard", structure="tomorrow")

    assert response.status_code == 400
    assert "tomorrow" in response.content.decode()


def test_the_report_follows_the_chosen_structure(
    client, provincial_officer, moved, district, other_district
):
    client.force_login(provincial_officer)
    period = {"starts_on": "01/01/2025", "ends_on": "31/12/2025"}

    historical = get(client, "dashboard_report", **period)
    current = get(client, "dashboard_report", **period, structure="current")

    rows = {row.unit: row for row in historical.context["report"].rows}
    assert (rows[district].moved_out, rows[other_district].moved_in) == (3, 3)
    assert not current.context["report"].has_moves
    assert b'data-structure="historical"' in historical.content
