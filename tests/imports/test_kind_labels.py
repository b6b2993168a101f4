import pytest

from unions.kinds import EMPLOYER_ALIASES, employer_kind_from_label, kind_from_label
from unions.models import Employer


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("Ngoài nhà nước", "non_state"),
        ("NGOAI NHA NUOC", "non_state"),
        ("FDI", "fdi"),
        ("Doanh nghiệp có vốn đầu tư nước ngoài", "fdi"),
        ("Nhà nước", "state"),
        ("HTX", "cooperative"),
        ("Cơ quan hành chính", "administrative"),
        ("Đơn vị sự nghiệp", "public_service"),
        ("hộ kinh doanh", "household"),
    ],
)
def test_employer_types_are_read_as_people_write_them(label, kind):
    assert employer_kind_from_label(label) == kind


def test_every_employer_type_has_labels():
    assert set(EMPLOYER_ALIASES) == set(Employer.Kind.values)


def test_an_unknown_employer_type_is_none():
    assert employer_kind_from_label("Công ty ma") is None


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("LĐLĐ cấp huyện", "district"),
        ("Công đoàn KCN/KKT", "industrial_zone"),
        ("CĐCS", "grassroots"),
        ("cong doan co so", "grassroots"),
    ],
)
def test_unit_kinds_are_read_as_people_write_them(label, kind):
    assert kind_from_label(label) == kind
