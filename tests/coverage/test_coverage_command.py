import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from tests.factories import EmployerFactory, MembershipFactory
from unions.models import MemberTally
from unions.services import move_unit

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("coverage", *args, stdout=out)
    return out.getvalue()


def test_json_prints_the_unit_and_each_child(province, district, cdcs, employer):
    MembershipFactory(unit=cdcs, started_on=date(2020, 1, 1))

    result = json.loads(run(province.code, "--as-of", "2024-03-31", "--json"))

    assert (result["unit"], result["as_of"], result["members"]) == (
        province.code,
        "2024-03-31",
        1,
    )
    assert result["unionisation_rate"] == 1 / 120
    assert [child["unit"] for child in result["children"]] == [district.code]
    assert result["children"][0]["employers_with_union"] == 1


def test_without_json_it_prints_a_table(province):
    assert province.code in run(province.code, "--as-of", "2024-03-31")


@pytest.mark.parametrize(
    "args",
    [
        ["KHONG-CO"],
        ["LDLD-HT", "--as-of", "31/03/2024"],
        ["LDLD-HT", "--as-of", (date.today() + timedelta(days=1)).isoformat()],
        ["LDLD-HT", "--as-of", "1899-12-31"],
    ],
)
def test_bad_input_exits_with_status_2(province, args):
    with pytest.raises(CommandError) as raised:
        run(*args)

    assert raised.value.returncode == 2


def test_a_unit_code_is_matched_whatever_its_case(province):
    EmployerFactory(managing_unit=province, workers=10)

    assert json.loads(run("ldld-ht", "--json"))["employers_eligible"] == 1


def test_the_report_command_writes_a_workbook(province, cdcs, tmp_path):
    MembershipFactory(unit=cdcs, started_on=date(2024, 2, 1))
    out = StringIO()

    call_command(
        "coverage_report",
        province.code,
        "--from",
        "2024-01-01",
        "--to",
        "2024-12-31",
        "--out",
        str(tmp_path / "report.xlsx"),
        stdout=out,
    )

    sheet = load_workbook(tmp_path / "report.xlsx").active
    assert sheet.page_setup.orientation == "landscape"
    assert "0 → 1" in out.getvalue()


@pytest.mark.parametrize(
    "period", [("2024-12-31", "2024-01-01"), ("2024-01-01", "31/12/2024")]
)
def test_the_report_command_refuses_a_bad_period_with_status_2(
    province, tmp_path, period
):
    with pytest.raises(CommandError) as raised:
        call_command(
            "coverage_report",
            province.code,
            "--from",
            period[0],
            "--to",
            period[1],
            "--out",
            str(tmp_path / "r.xlsx"),
        )

    assert raised.value.returncode == 2


def test_the_rollup_check_finds_a_tampered_tally_and_the_rebuild_repairs_it(cdcs):
    MembershipFactory(unit=cdcs, started_on=date(2020, 1, 1))
    MemberTally.objects.update(net=7)

    with pytest.raises(CommandError):
        call_command("coverage_rollup", stdout=StringIO())
    call_command("coverage_rollup", "--rebuild", stdout=StringIO())

    call_command("coverage_rollup", stdout=StringIO())


def test_the_structure_option_restates_a_past_date_in_todays_tree(
    province, district, other_district, cdcs
):
    MembershipFactory.create_batch(2, unit=cdcs, started_on=date(2020, 1, 1))
    move_unit(
        decision="Test/QĐ",
        unit=cdcs,
        new_parent=other_district,
        moved_on=date(2025, 7, 1),
    )

    historical = json.loads(run(province.code, "--as-of", "2024-03-31", "--json"))
    current = json.loads(
        run(province.code, "--as-of", "2024-03-31", "--json", "--structure", "current")
    )

    def by_child(result):
        return {child["unit"]: child["members"] for child in result["children"]}

    assert by_child(historical) == {district.code: 2}  # the commune came in 2025
    assert by_child(current) == {district.code: 0, other_district.code: 2}
    assert historical["members"] == current["members"] == 2
    assert (historical["structure"], current["structure"]) == ("historical", "current")


def test_the_table_says_which_structure_it_counts_on(province):
    assert "Quy về cơ cấu hiện nay" in run(province.code, "--structure", "current")
    assert "Như tại ngày đó" in run(province.code)


def test_an_unknown_structure_is_refused(province):
    with pytest.raises(CommandError):
        run(province.code, "--structure", "tomorrow")
