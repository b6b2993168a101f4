import pytest

from members import text


def test_a_full_name_is_stored_in_nfc_single_spaced_title_case():
    decomposed = "nguye\u0302\u0303n   VĂN  an "

    assert text.normalise_name(decomposed) == "Nguyễn Văn An"


def test_the_given_name_is_the_last_word_and_the_family_name_the_first():
    assert text.split_name("Nguyễn Thị Thu Hà") == ("Nguyễn", "Thị Thu", "Hà")


def test_a_single_word_name_is_a_given_name():
    assert text.split_name("Hùng") == ("", "", "Hùng")


def test_the_search_key_ignores_case_and_marks_and_folds_d_stroke():
    assert text.search_key("Đặng Thị Ánh") == text.search_key("dang thi anh")


@pytest.mark.parametrize(
    ("cccd", "gender", "birth_year"),
    [
        ("001090012345", "M", 1990),
        ("079195012345", "F", 1995),
        ("038303012345", "F", 2003),
        ("001202012345", "M", 2002),
    ],
)
def test_cccd_digits_give_gender_and_birth_year(cccd, gender, birth_year):
    info = text.parse_cccd(cccd)

    assert (info.gender, info.birth_year) == (gender, birth_year)


def test_a_consistent_cccd_has_no_warnings():
    assert text.cccd_warnings("001190012345", gender="F", birth_year=1990) == []


def test_a_cccd_of_the_other_gender_is_a_warning():
    warnings = text.cccd_warnings("001190012345", gender="M", birth_year=1990)

    assert len(warnings) == 1


def test_a_cccd_of_another_birth_year_is_a_warning():
    warnings = text.cccd_warnings("001190012345", gender="F", birth_year=1991)

    assert "1990" in warnings[0]


def test_an_unknown_place_of_birth_code_is_a_warning():
    assert text.cccd_warnings("099190012345", gender="F", birth_year=1990)


def test_a_cccd_is_masked_in_the_middle():
    assert text.mask_cccd("001012342345") == "0010****2345"


def test_there_are_54_ethnic_groups():
    assert len(set(text.ETHNIC_GROUPS)) == 54


@pytest.mark.parametrize(
    ("written", "group"),
    [
        ("Ê-đê", "Ê Đê"),
        ("dân tộc Kinh", "Kinh"),
        ("H'Mông", "Mông"),
        ("khmer", "Khmer"),
    ],
)
def test_ethnic_groups_are_recognised_as_people_write_them(written, group):
    assert text.ethnicity_from_text(written) == group


def test_vietnamese_alphabetical_order_of_given_names():
    expected = ["An", "Anh", "Ánh", "Ân", "Bình", "Dung", "Đức"]
    shuffled = ["Đức", "Ân", "Anh", "Dung", "An", "Bình", "Ánh"]

    assert sorted(shuffled, key=text.collation_key) == expected


def test_a_space_sorts_before_any_letter_as_in_icu():
    assert text.collation_key("Thu Hà") < text.collation_key("Thuý")


def test_members_sort_by_given_then_family_then_middle_name():
    people = [("Trần", "Văn", "An"), ("Lê", "Thị", "Bình"), ("Lê", "Văn", "An")]

    ordered = sorted(people, key=lambda p: text.sort_key(*p))

    assert ordered == [
        ("Lê", "Văn", "An"),
        ("Trần", "Văn", "An"),
        ("Lê", "Thị", "Bình"),
    ]
