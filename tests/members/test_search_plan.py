"""How a name search is planned from PostgreSQL's statistics (members.search_plan)."""

import random
from datetime import date

import pytest
from django.db import connection

from members import name_frequencies, search_plan
from members.models import Member
from registry.text import fold

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's statistics"
    ),
]

GIVEN = ["An", "Anh", "Bình", "Cường", "Dung", "Hà", "Hải", "Lan", "Minh", "Trang"]


def _person(full_name):
    member = Member(full_name=full_name, joined_union_on=date(2015, 1, 1))
    member.set_derived_fields()
    return member


@pytest.fixture
def register():
    """300 people, most of them Nguyễn Văn or Trần Thị; two rare names; analysed."""
    rng = random.Random(7)
    names = [f"Nguyễn Văn {rng.choice(GIVEN)}" for _ in range(200)]
    names += [f"Trần Thị {rng.choice(GIVEN)}" for _ in range(98)]
    names += ["Lưu Duy Khoa", "Lưu Thị Anh"]
    Member.objects.bulk_create([_person(name) for name in names])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE members_member")
    name_frequencies.forget()
    yield names
    name_frequencies.forget()


def test_the_statistics_tell_a_common_word_from_a_rare_one(register):
    shares = name_frequencies.word_shares(["nguyen", "luu", "thi"])

    assert shares["nguyen"].any_part > 0.5
    assert shares["luu"].any_part < 0.05
    assert 0.2 < shares["thi"].any_part < 0.5


def test_the_statistics_know_which_given_names_sort_first(register):
    shares = name_frequencies.word_shares(["an", "trang"])

    assert shares["an"].given_before == 0
    assert shares["trang"].given_before > 0.7
    assert shares["trang"].given_name > 0


def test_a_search_of_common_words_walks_the_names_in_order(register):
    plan = search_plan.plan(["nguyen", "van"], Member.objects.all())

    assert plan == search_plan.SearchPlan(indexed=[], sorts_matches=False)


def test_only_the_rare_word_is_put_to_the_trigram_index(register):
    plan = search_plan.plan(["nguyen", "khoa"], Member.objects.all())

    assert plan.indexed == ["khoa"]
    assert plan.sorts_matches


@pytest.mark.parametrize(
    "query", ["nguyen", "nguyen van", "tran thi h", "luu", "luu thi", "khoa", "a", "t"]
)
def test_every_plan_finds_the_matches_in_name_order(register, query):
    words = fold(query).split()
    expected = sorted(
        (m for m in Member.objects.all() if _matches(m.search_name, words)),
        key=lambda m: (m.sort_key, m.pk),
    )

    found = list(Member.objects.search(query).in_name_order())

    assert found == expected
    assert found


def _matches(search_name, words):
    return all(f" {word}" in search_name for word in words)


def test_beside_a_family_name_another_word_counts_outside_the_family_name(register):
    words = ["tran", "l"]  # "l": Lưu as a family name, Lan as a given name
    shares = name_frequencies.word_shares(words)
    share = {w: shares[w].any_part for w in words}

    matching = search_plan._matching_shares(words, shares, share)

    assert matching["tran"] == share["tran"]
    assert matching["l"] == pytest.approx(share["l"] - shares["l"].family_name)
    assert shares["l"].family_name > 0
