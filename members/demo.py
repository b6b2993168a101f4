"""Demo members for `seed_demo`: realistic people, memberships and their history.

The published figure for the demo province is 69,991 members on 31/03/2024
(docs/domain.md, "The published figures it reproduces").
Each CĐCS active on that date gets a share proportional to its employers' workers, never
more than its workers. Around them: people who left before that date, people who
transferred in from another CĐCS, and departures after it, so every past date has its
own answer. Rows are bulk-inserted; the checks the services make per person (age, unit
open, CCCD consistent with gender and birth year) run in memory.
"""

import random
from bisect import bisect
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from django.db import connection, transaction
from django.db.models import Max, Sum
from django.utils import timezone

from registry import bulk
from registry.models import Ward
from unions.models import Employer, UnionUnit

from . import services, text
from .models import Gender, LeaveReason, Member, Membership, StartReason

MEMBERS_ON_AS_OF = 69_991
SHARE_TRANSFERRED_IN = 0.04  # of the members on the date: came from another CĐCS
SHARE_LEFT_BEFORE = 0.12  # extra people who had left before the date
SHARE_LEFT_AFTER = 0.08  # of the members on the date: left between it and today
MEMBERS_PER_DISSOLVED_UNION = (15, 80)
# A CĐCS founded after the date: the share of its workers who are members today, and
# of those, the share who joined on the founding day.
NEW_UNION_MEMBERS = (0.55, 0.9)
NEW_UNION_FOUNDERS = 0.6

# fmt: off
FAMILY_NAMES = [
    ("Nguyễn", 34), ("Trần", 10), ("Lê", 9), ("Phan", 6), ("Võ", 5), ("Hoàng", 4),
    ("Đặng", 4), ("Bùi", 3), ("Phạm", 3), ("Đinh", 2), ("Dương", 2), ("Hồ", 2),
    ("Thái", 2), ("Đậu", 1.5), ("Hà", 1.5), ("Ngô", 1.5), ("Đỗ", 1), ("Chu", 1),
    ("Lưu", 1), ("Mai", 1), ("Trương", 1), ("Đoàn", 1), ("Tôn", 0.5), ("Kiều", 0.5),
    ("Cao", 0.5), ("Lương", 0.5), ("Vũ", 0.5), ("Huỳnh", 0.3), ("Lý", 0.3),
]
MIDDLE_NAMES = {
    "M": [
        ("Văn", 40), ("Đức", 8), ("Hữu", 6), ("Minh", 6), ("Quang", 5), ("Xuân", 5),
        ("Đình", 5), ("Công", 4), ("Thanh", 3), ("Trọng", 3), ("Quốc", 3),
        ("Ngọc", 2), ("Tiến", 2), ("Anh", 2), ("Văn Minh", 1), ("Hữu Đức", 1),
        ("Đăng", 1), ("Bá", 1), ("Duy", 1), ("Trung", 1),
    ],
    "F": [
        ("Thị", 55), ("Thị Thu", 6), ("Thị Minh", 3), ("Thị Ngọc", 3), ("Thu", 4),
        ("Ngọc", 4), ("Thanh", 3), ("Hồng", 3), ("Thị Hồng", 3), ("Phương", 2),
        ("Khánh", 2), ("Minh", 2), ("Diệu", 1), ("Bảo", 1), ("Hải", 1), ("Mai", 1),
        ("Thị Thanh", 2), ("Thị Kim", 2),
    ],
}
GIVEN_NAMES = {
    "M": [
        "An", "Anh", "Bảo", "Bình", "Cường", "Chiến", "Công", "Dũng", "Duy", "Đạt",
        "Định", "Đông", "Đức", "Giang", "Hải", "Hào", "Hiếu", "Hiệp", "Hoàng", "Hòa",
        "Hùng", "Huy", "Hưng", "Khánh", "Khoa", "Kiên", "Lâm", "Linh", "Lộc", "Long",
        "Lợi", "Luân", "Mạnh", "Minh", "Nam", "Nghĩa", "Ngọc", "Nhật", "Phong",
        "Phú", "Phúc", "Phương", "Quân", "Quang", "Quý", "Sơn", "Tài", "Tâm", "Tân",
        "Thái", "Thắng", "Thành", "Thịnh", "Toàn", "Trí", "Trung", "Trường", "Tú",
        "Tuấn", "Tùng", "Việt", "Vinh", "Vũ", "Vương",
    ],
    "F": [
        "An", "Anh", "Ánh", "Bích", "Châu", "Chi", "Diệp", "Dung", "Duyên", "Giang",
        "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hồng", "Huệ", "Huyền", "Hương",
        "Hường", "Khánh", "Lan", "Liên", "Linh", "Loan", "Lụa", "Ly", "Mai", "My",
        "Nga", "Ngân", "Ngọc", "Nguyệt", "Nhàn", "Nhung", "Oanh", "Phượng",
        "Phương", "Quyên", "Quỳnh", "Tâm", "Thanh", "Thảo", "Thơ", "Thu", "Thúy",
        "Thủy", "Trà", "Trang", "Trinh", "Tuyết", "Uyên", "Vân", "Vi", "Xuân", "Yến",
    ],
}
# Where members' births were registered (CCCD digits 1-3): mostly Hà Tĩnh itself.
BIRTH_PLACES = [("042", 85), ("040", 6), ("044", 3), ("038", 2), ("001", 2), ("079", 2)]
ETHNICITIES = [("Kinh", 985), ("Mường", 4), ("Thái", 3), ("Chứt", 3), ("Lào", 3), ("Tày", 2)]
RELIGIONS = [("", 880), ("Công giáo", 90), ("Phật giáo", 30)]
EDUCATION = {
    "worker": [
        ("Trung học cơ sở", 20), ("Trung học phổ thông", 50), ("Trung cấp", 15),
        ("Cao đẳng", 10), ("Đại học", 5),
    ],
    "office": [("Cao đẳng", 15), ("Đại học", 65), ("Thạc sĩ", 15), ("Tiến sĩ", 1)],
}
JOBS = {
    "worker": ["Công nhân", "Công nhân", "Công nhân", "Tổ trưởng sản xuất", "Lái xe",
               "Thợ cơ khí", "Thợ điện", "Bảo vệ", "Thủ kho"],
    "office": ["Nhân viên", "Kế toán", "Kỹ sư", "Cán bộ", "Chuyên viên", "Giáo viên",
               "Bác sĩ", "Điều dưỡng", "Trưởng phòng"],
}
PHONE_PREFIXES = ["032", "033", "034", "035", "036", "037", "038", "039", "086", "096",
                  "097", "098", "088", "091", "094", "083", "084", "085", "081", "082",
                  "089", "090", "093", "070", "079", "077", "076", "078", "056", "058"]
LEFT_BEFORE_REASONS = [
    (LeaveReason.LEFT_JOB, 62), (LeaveReason.RETIRED, 18), (LeaveReason.VOLUNTARY, 8),
    (LeaveReason.REMOVED, 6), (LeaveReason.DECEASED, 3), (LeaveReason.EXPELLED, 1),
]
# Women are most of the workforce in garments, seafood and schools, few on building sites.
FEMALE_SHARE = [
    (("det may", "thuy san", "giay", "truong", "giao duc", "y duoc", "benh vien"), 0.78),
    (("xay dung", "khai khoang", "luyen kim", "van tai", "co khi", "dien"), 0.2),
]
# fmt: on


@dataclass
class Slot:
    """One membership to write: the person, where, from when, until when and why."""

    member: Member
    unit: UnionUnit
    started_on: date
    start_reason: str = StartReason.ADMITTED
    left_on: date | None = None
    leave_reason: str = ""
    card_number: str = ""


def seed_members(
    *,
    province: UnionUnit,
    as_of: date = date(2024, 3, 31),
    rng: random.Random,
    members: int = MEMBERS_ON_AS_OF,
) -> int:
    """Create the demo province's people and memberships; returns those active on as_of."""
    with transaction.atomic(), _bulk_load_cache():
        return DemoMembers(province, as_of, rng).create(members)


def seed_new_union_members(
    *, province: UnionUnit, as_of: date = date(2024, 3, 31), rng: random.Random
) -> int:
    """Members of the CĐCS founded after ``as_of``, which ``seed_members`` leaves empty
    (seed_demo founds them later); returns how many are active today.

    They joined on or after their union's founding, so nothing changes on ``as_of``.
    """
    with transaction.atomic(), _bulk_load_cache():
        return DemoMembers(province, as_of, rng).create_for_new_unions()


@contextmanager
def _bulk_load_cache():
    """On SQLite, a page cache big enough for the name and CCCD indexes while loading.

    With the default 2 MB, inserting 80,000 people in random name order rereads index
    pages from disk and takes three times as long.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute("PRAGMA cache_size = -262144")  # 256 MiB
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


class DemoMembers:
    def __init__(self, province: UnionUnit, as_of: date, rng: random.Random):
        self.province, self.as_of, self.rng = province, as_of, rng
        self.today = timezone.localdate()
        self.cccds: set[str] = set()
        self.card_counter = 0
        units = (
            UnionUnit.objects.within(province)
            .grassroots()
            .annotate(workers=Sum("employers__workers"))
            .select_related("province", "ward")
            .order_by("path")
        )
        self.units = list(units)
        self.profiles = self._unit_profiles()
        self.wards = list(
            Ward.objects.filter(province_id=province.province_id).only("pk", "province")
        )

    def create(self, target: int) -> int:
        active = [u for u in self.units if u.is_active_on(self.as_of) and u.workers]
        quotas = _proportional(target, [u.workers for u in active])
        slots: list[list[Slot]] = []
        for unit, quota in zip(active, quotas, strict=True):
            slots += [self._current(unit) for _ in range(quota)]
        slots += [self._left_before() for _ in range(round(target * SHARE_LEFT_BEFORE))]
        slots += self._dissolved_unions()
        self._leave_after(slots)
        self._write(slots)
        return Membership.objects.within(self.province).active_on(self.as_of).count()

    def create_for_new_unions(self) -> int:
        new = [
            u
            for u in self.units
            if u.founded_on > self.as_of
            and u.is_active_on(self.today)
            and u.workers
            and not u.memberships.exists()
        ]
        # Other members exist already: no CCCD or card number twice.
        self.cccds = set(
            Member.objects.exclude(cccd=None).values_list("cccd", flat=True)
        )
        last_card = Membership.objects.filter(card_number__startswith="HT").aggregate(
            last=Max("card_number")
        )["last"]
        self.card_counter = int(last_card[2:]) if last_card else 0
        slots = []
        for unit in new:
            share = self.rng.uniform(*NEW_UNION_MEMBERS)
            for _ in range(max(1, round(unit.workers * share))):
                slots.append(self._joined_new_union(unit))
        self._leave_after(slots)
        self._write(slots)
        return Membership.objects.filter(unit__in=new).active_on(self.today).count()

    # --- people ---------------------------------------------------------------------------

    def _person(self, unit: UnionUnit, *, adult_by: date) -> Member:
        """Someone aged 18 or more on ``adult_by``, working in ``unit``."""
        rng, profile = self.rng, self.profiles[unit.pk]
        gender = Gender.FEMALE if rng.random() < profile["female"] else Gender.MALE
        birth_date = _add_years(adult_by, -18) - timedelta(
            days=rng.randint(0, 365 * 40)
        )
        family = _pick(rng, FAMILY_NAMES)
        middle = _pick(rng, MIDDLE_NAMES[gender])
        given = rng.choice(GIVEN_NAMES[gender])
        kind = profile["staff"]
        member = Member(
            full_name=text.join_name(family, middle, given),
            family_name=family,
            middle_name=middle,
            given_name=given,
            birth_date=birth_date,
            gender=gender,
            cccd=self._cccd(gender, birth_date.year) if rng.random() > 0.01 else None,
            old_id_number=f"18{rng.randrange(10**7):07d}" if rng.random() < 0.2 else "",
            ethnicity=_pick(rng, ETHNICITIES),
            religion=_pick(rng, RELIGIONS),
            education=_pick(rng, EDUCATION[kind]),
            job=rng.choice(JOBS[kind]),
            is_party_member=rng.random() < profile["party"],
            phone=f"{rng.choice(PHONE_PREFIXES)}{rng.randrange(10**7):07d}"
            if rng.random() < 0.9
            else "",
            province_id=self.province.province_id,
            ward=rng.choice(self.wards) if self.wards else None,
            joined_union_on=self.as_of,  # set by the caller
        )
        if rng.random() < 0.04:  # an old record: only the year is known
            member.birth_date, member.birth_year = None, birth_date.year
        return member

    def _cccd(self, gender: str, birth_year: int) -> str:
        place = _pick(self.rng, BIRTH_PLACES)
        century_gender = 2 * ((birth_year - 1900) // 100) + (gender == Gender.FEMALE)
        while True:
            cccd = f"{place}{century_gender}{birth_year % 100:02}{self.rng.randrange(10**6):06}"
            if cccd not in self.cccds:
                self.cccds.add(cccd)
                return cccd

    def _card(self) -> str:
        if self.rng.random() < 0.3:  # cards are issued "if available" (HD 38)
            return ""
        self.card_counter += 1
        return f"HT{self.card_counter:07}"

    def _join_date(self, earliest: date, latest: date) -> date:
        """Spread over the years, with more recent joiners (workers change jobs)."""
        span = (latest - earliest).days
        if span <= 0:
            return latest
        fraction = (
            self.rng.random() ** 0.7 if self.rng.random() < 0.6 else self.rng.random()
        )
        return latest - timedelta(days=int(span * (1 - fraction)))

    # --- memberships ----------------------------------------------------------------------

    def _current(self, unit: UnionUnit) -> list[Slot]:
        """A member of ``unit`` on as_of, maybe transferred in from another CĐCS."""
        earliest = max(unit.founded_on, self.as_of - timedelta(days=365 * 30))
        member = self._person(unit, adult_by=self.as_of)
        born = member.birth_date or date(member.birth_year, 12, 31)
        first_possible = max(earliest, _add_years(born, 18))
        card = self._card()
        source = (
            self._transfer_source(unit)
            if self.rng.random() < SHARE_TRANSFERRED_IN
            else None
        )
        if source is not None:
            transfer_floor = max(unit.founded_on, source.founded_on, first_possible)
            transferred_on = self._join_date(
                transfer_floor + timedelta(days=60), self.as_of
            )
            joined = self._join_date(
                max(source.founded_on - timedelta(days=365 * 5), _add_years(born, 18)),
                transferred_on - timedelta(days=30),
            )
            member.joined_union_on = joined
            return [
                Slot(
                    member,
                    source,
                    max(joined, source.founded_on),
                    left_on=transferred_on,
                    leave_reason=LeaveReason.TRANSFER,
                    card_number=card,
                ),
                Slot(
                    member,
                    unit,
                    transferred_on,
                    StartReason.TRANSFERRED,
                    card_number=card,
                ),
            ]
        member.joined_union_on = self._join_date(first_possible, self.as_of)
        started_on = max(member.joined_union_on, unit.founded_on)
        return [Slot(member, unit, started_on, card_number=card)]

    def _joined_new_union(self, unit: UnionUnit) -> list[Slot]:
        """A member of a CĐCS founded after as_of: a founder, or someone who joined later."""
        member = self._person(unit, adult_by=unit.founded_on)
        if self.rng.random() < NEW_UNION_FOUNDERS:
            joined = unit.founded_on
        else:
            joined = self._join_date(unit.founded_on, self.today)
        member.joined_union_on = joined
        return [Slot(member, unit, joined, card_number=self._card())]

    def _transfer_source(self, unit: UnionUnit) -> UnionUnit | None:
        for _ in range(5):
            source = self.rng.choice(self.units)
            if (
                source.pk != unit.pk
                and source.is_active_on(self.as_of)
                and source.founded_on < self.as_of - timedelta(days=365)
                and unit.founded_on < self.as_of - timedelta(days=120)
            ):
                return source
        return None

    def _left_before(self) -> list[Slot]:
        """Someone who belonged to a CĐCS for a while and left before as_of."""
        for _ in range(10):
            unit = self.rng.choice(self.units)
            if unit.founded_on < self.as_of - timedelta(days=365):
                break
        end = min(self.as_of, unit.dissolved_on or self.as_of)
        member = self._person(unit, adult_by=end - timedelta(days=60))
        born = member.birth_date or date(member.birth_year, 12, 31)
        joined = self._join_date(
            max(unit.founded_on, _add_years(born, 18)), end - timedelta(days=60)
        )
        member.joined_union_on = joined
        started_on = max(joined, unit.founded_on)
        left_on = started_on + timedelta(
            days=self.rng.randint(30, max(30, (end - started_on).days - 1))
        )
        reason = _pick(self.rng, LEFT_BEFORE_REASONS)
        if reason == LeaveReason.RETIRED and member.age_on(left_on) < 55:
            reason = LeaveReason.LEFT_JOB
        return [
            Slot(
                member,
                unit,
                started_on,
                left_on=min(left_on, end - timedelta(days=1)),
                leave_reason=reason,
                card_number=self._card(),
            )
        ]

    def _dissolved_unions(self) -> list[list[Slot]]:
        """CĐCS dissolved before as_of: their last members left with them."""
        slots = []
        for unit in self.units:
            if unit.dissolved_on is None or unit.dissolved_on > self.as_of:
                continue
            for _ in range(self.rng.randint(*MEMBERS_PER_DISSOLVED_UNION)):
                member = self._person(unit, adult_by=unit.dissolved_on)
                born = member.birth_date or date(member.birth_year, 12, 31)
                member.joined_union_on = self._join_date(
                    max(unit.founded_on, _add_years(born, 18)),
                    unit.dissolved_on - timedelta(days=30),
                )
                slots.append(
                    [
                        Slot(
                            member,
                            unit,
                            max(member.joined_union_on, unit.founded_on),
                            left_on=unit.dissolved_on,
                            leave_reason=LeaveReason.RESTRUCTURED,
                            card_number=self._card(),
                        )
                    ]
                )
        return slots

    def _leave_after(self, people: list[list[Slot]]) -> None:
        """Some members leave after as_of: a job change, retirement, a death."""
        for slots in people:
            last = slots[-1]
            if last.left_on is not None or self.rng.random() >= SHARE_LEFT_AFTER:
                continue
            # A state-sector CĐCS closes on 15/06/2025 (seed_demo does that part).
            end = (
                self.today
                if not self.profiles[last.unit.pk]["state_sector"]
                else date(2025, 6, 14)
            )
            start = max(self.as_of, last.started_on)  # later for a newer CĐCS
            if end <= start:
                continue
            last.left_on = start + timedelta(
                days=self.rng.randint(1, (end - start).days)
            )
            age = last.member.age_on(last.left_on)
            last.leave_reason = (
                LeaveReason.RETIRED
                if age >= 58
                else LeaveReason.DECEASED
                if self.rng.random() < 0.02
                else LeaveReason.VOLUNTARY
                if self.rng.random() < 0.05
                else LeaveReason.LEFT_JOB
            )

    # --- writing --------------------------------------------------------------------------

    def _write(self, people: list[list[Slot]]) -> None:
        # Plain tuples with reserved ids, as the importer writes (COPY on PostgreSQL):
        # bulk_create spends longer preparing 164,000 rows than the database storing them.
        member_rows, membership_rows = bulk.Rows(Member), bulk.Rows(Membership)
        member_ids = iter(bulk.reserve_ids(Member, len(people)))
        membership_ids = iter(
            bulk.reserve_ids(Membership, sum(len(slots) for slots in people))
        )
        members, memberships = [], []
        for slots in people:
            member = slots[0].member
            self._check(member, slots)
            member.set_derived_fields()
            member.pk = next(member_ids)
            if slots[-1].left_on is None:  # what the trigger would set
                member.current_unit_id = slots[-1].unit.pk
                member.current_since = slots[-1].started_on
            members.append(member_rows.row(vars(member)))
            for slot in slots:
                memberships.append(
                    membership_rows.row(
                        {
                            "id": next(membership_ids),
                            "member_id": member.pk,
                            "unit_id": slot.unit.pk,
                            "started_on": slot.started_on,
                            "start_reason": slot.start_reason,
                            "left_on": slot.left_on,
                            "leave_reason": slot.leave_reason,
                            "card_number": slot.card_number,
                        }
                    )
                )
        # Memberships first, as the importer writes: the trigger keeping each person's
        # current unit (members/triggers.py) finds no one to update, and each person is
        # written once, already holding their open membership's unit and start.
        membership_rows.insert(memberships)
        member_rows.insert(members)

    def _check(self, member: Member, slots: list[Slot]) -> None:
        """The services' own rules, without their queries."""
        first = slots[0]
        if first.start_reason == StartReason.ADMITTED:
            started_on = services.check_admission(
                member=member,
                unit=first.unit,
                joined_on=member.joined_union_on,
                today=self.today,
            )
            assert started_on == first.started_on, first
        assert not member.cccd_warnings(), member.cccd
        for slot in slots:
            services._refuse_unit_not_taking_members(slot.unit, slot.started_on)
            assert slot.started_on >= slot.unit.founded_on
            assert slot.left_on is None or slot.left_on > slot.started_on, slot

    def _unit_profiles(self) -> dict[int, dict]:
        """Who works in each CĐCS: share of women, office staff or workers, party members."""
        employers = defaultdict(list)
        for employer in Employer.objects.filter(
            grassroots_union__path__startswith=self.province.path
        ).values("grassroots_union", "kind", "industry", "name"):
            employers[employer["grassroots_union"]].append(employer)
        profiles = {}
        for unit in self.units:
            rows = employers.get(unit.pk, [])
            words = text.fold(" ".join(f"{r['industry']} {r['name']}" for r in rows))
            female = next(
                (
                    share
                    for keys, share in FEMALE_SHARE
                    if any(k in words for k in keys)
                ),
                0.5,
            )
            public = any(r["kind"] not in Employer.ENTERPRISE_KINDS for r in rows)
            profiles[unit.pk] = {
                "female": female,
                "staff": "office" if public else "worker",
                "party": 0.35 if public else 0.06,
                "state_sector": any(r["kind"] in Employer.NO_UNION_KINDS for r in rows),
            }
        return profiles


def _proportional(total: int, capacities: list[int]) -> list[int]:
    """Split ``total`` in proportion to ``capacities``, never above one's capacity."""
    available = sum(capacities)
    if total > available:
        raise ValueError(
            f"{total} members do not fit in CĐCS with {available} workers in all"
        )
    exact = [total * c / available for c in capacities]
    shares = [int(x) for x in exact]
    by_remainder = sorted(
        range(len(capacities)), key=lambda i: exact[i] - shares[i], reverse=True
    )
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


def _pick(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    # The draw rng.choices(values, weights) makes, without summing the weights again
    # on each of half a million picks: the lists are this module's constants.
    prepared = _PICKS.get(id(weighted))
    if prepared is None or prepared[0] is not weighted:
        values, weights = zip(*weighted, strict=True)
        prepared = _PICKS[id(weighted)] = (weighted, values, list(accumulate(weights)))
    _weighted, values, cumulative = prepared
    return values[bisect(cumulative, rng.random() * cumulative[-1], 0, len(values) - 1)]


_PICKS: dict[int, tuple] = {}


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
