"""Looking a person up by CCCD names them only inside the user's scope (finding 3 of
issue 11): the admit form answers a CCCD held elsewhere with "already a member
elsewhere — ask for a transfer", logs every lookup, and stops after an hourly limit."""

from datetime import date

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from members import services
from members.models import Member
from registry.models import AccessLog

pytestmark = pytest.mark.django_db

ELSEWHERE_VI = "Đã là đoàn viên ở đơn vị khác — đề nghị làm thủ tục chuyển sinh hoạt"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def form_data(cccd, **overrides):
    # The CCCD's fourth digit says the gender (0 a man, 1 a woman, born 1900-1999).
    return {
        "full_name": "Lê Văn Mới",
        "gender": "F" if cccd[3:4] == "1" else "M",
        "birth_date": "08/03/1990",
        "cccd": cccd,
        "joined_on": "01/05/2015",
    } | overrides


@pytest.fixture
def far_member(admit, other_cdcs):
    """Someone in the commune union's CĐCS: outside the upper-level officer's scope."""
    return admit(other_cdcs, full_name="Trần Thị Bích", cccd="042190099999").member


@pytest.fixture
def far_former(admit, other_cdcs):
    member = admit(other_cdcs, full_name="Đỗ Thị Gấm", cccd="042190088888").member
    services.record_departure(member=member, left_on=date(2020, 1, 1), reason="retired")
    return member


def test_a_cccd_outside_the_scope_is_answered_without_name_or_union(
    client, officer, cdcs, other_cdcs, far_member
):
    client.force_login(officer)

    response = client.post(
        reverse("members:admit", args=[cdcs.code]), form_data(far_member.cccd)
    )

    page = response.content.decode()
    assert ELSEWHERE_VI in page
    assert "Trần Thị Bích" not in page
    assert other_cdcs.code not in page and other_cdcs.name not in page
    assert Member.objects.count() == 1


def test_a_former_member_outside_the_scope_is_not_named_either(
    client, officer, cdcs, far_former
):
    client.force_login(officer)

    response = client.post(
        reverse("members:admit", args=[cdcs.code]), form_data(far_former.cccd)
    )

    page = response.content.decode()
    assert ELSEWHERE_VI in page
    assert "Đỗ Thị Gấm" not in page


def test_a_cccd_inside_the_scope_names_the_person_and_union(
    client, provincial_officer, cdcs, other_cdcs, far_member
):
    client.force_login(provincial_officer)

    response = client.post(
        reverse("members:admit", args=[cdcs.code]), form_data(far_member.cccd)
    )

    page = response.content.decode()
    assert "Trần Thị Bích" in page and other_cdcs.code in page
    assert ELSEWHERE_VI not in page


def test_the_service_names_nobody_to_a_user_outside_the_scope(
    officer, cdcs, far_member
):
    with pytest.raises(ValidationError) as refusal:
        services.admit_member(
            unit=cdcs, user=officer, full_name="Lê Thị Mới", gender="F",
            birth_date=date(1990, 3, 8), cccd=far_member.cccd, joined_on=date(2015, 5, 1),
        )  # fmt: skip

    assert refusal.value.error_list[0].code == "member_elsewhere"
    with translation.override("en"):
        assert refusal.value.messages == [
            "Already a member elsewhere — ask for a transfer."
        ]


def test_without_a_user_the_service_names_the_person(cdcs, far_member):
    match = services.find_by_cccd(far_member.cccd)

    assert match.in_scope and match.member == far_member
    assert match.refusal().error_list[0].code == "already_active"


@pytest.mark.parametrize(
    ("who", "outcome"),
    [("far", "elsewhere"), ("near", "in_scope"), ("nobody", "not_found")],
)
def test_every_lookup_writes_one_access_log_entry(
    client, officer, admit, cdcs, far_member, who, outcome
):
    near = admit(cdcs, full_name="Phạm Văn Gần", cccd="042190077777").member
    person = {"far": far_member, "near": near, "nobody": None}[who]
    client.force_login(officer)

    client.post(
        reverse("members:admit", args=[cdcs.code]),
        form_data(person.cccd if person else "042090066666"),
        REMOTE_ADDR="10.0.0.9",
    )

    entry = AccessLog.objects.get()
    assert entry.action == AccessLog.Action.LOOKUP_CCCD
    assert entry.user == officer
    assert entry.object_id == (str(person.pk) if person else "")
    assert entry.details["outcome"] == outcome
    assert entry.ip_address == "10.0.0.9"
    assert not entry.is_sensitive
    assert "042190" not in str(entry.details) + entry.target


def test_a_form_without_a_cccd_looks_nobody_up(client, officer, cdcs):
    client.force_login(officer)

    client.post(reverse("members:admit", args=[cdcs.code]), form_data(""))

    assert Member.objects.count() == 1
    assert not AccessLog.objects.exists()


def test_lookups_stop_after_the_hourly_limit(
    client, officer, cdcs, far_member, settings
):
    settings.CCCD_LOOKUPS_PER_HOUR = 3
    client.force_login(officer)
    url = reverse("members:admit", args=[cdcs.code])
    for n in range(3):
        client.post(url, form_data(f"04209005555{n}"))

    response = client.post(url, form_data(far_member.cccd))

    page = response.content.decode()
    assert "tra cứu 3 số CCCD" in page
    assert ELSEWHERE_VI not in page
    assert AccessLog.objects.count() == 3
    assert Member.objects.filter(cccd__startswith="04209005555").count() == 3


def test_the_limit_is_per_account(client, officer, provincial_officer, cdcs, settings):
    settings.CCCD_LOOKUPS_PER_HOUR = 1
    url = reverse("members:admit", args=[cdcs.code])
    client.force_login(officer)
    client.post(url, form_data("042090055550"))
    client.force_login(provincial_officer)

    client.post(url, form_data("042090055551"))

    assert AccessLog.objects.filter(user=provincial_officer).count() == 1
