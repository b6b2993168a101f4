"""The demo province: a realistic tree, employers and agreements for `seed_demo`.

Its figures on 31/03/2024 equal what Hà Tĩnh's federation published for that date
(docs/domain.md, "The published figures it reproduces"): 80,356 workers in 2,166
eligible employers; 1,511 CĐCS; 378 of the 402 unionised enterprises with a collective
agreement in force. After that date the province lives through the 2025 reorganisation:
state-sector CĐCS dissolved on 15/06/2025, district federations and local sector unions
ended, CĐCS moved under the new commune unions.
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import OuterRef, Subquery

from registry.identifiers import tax_code_check_digit
from registry.models import Province, Ward

from . import services
from .kinds import Kind
from .models import (
    CollectiveAgreement,
    Employer,
    EmployerLink,
    IndustrialZone,
    UnionUnit,
    WorkforceReport,
    add_years,
)

ROOT_CODE = "LDLD-DEMO"
AS_OF = date(2024, 3, 31)
REPORTED_ON = date(2024, 1, 15)
LATEST_REPORT_ON = date(2026, 1, 15)
STATE_SECTOR_DISSOLVED_ON = date(2025, 6, 15)
REORGANISED_ON = date(2025, 7, 1)
TODAY = date(2026, 11, 21)
PROVINCE_CODE = 42  # Hà Tĩnh in the 2025 divisions

PUBLISHED = {
    "workers": 80_356,
    "employers_eligible": 2_166,
    "cdcs": 1_511,
    "members": 69_991,
    "enterprises_with_union": 402,
    "enterprises_with_cba": 378,
}

# The 13 district-level units before July 2025, each with the communes that replaced it.
DISTRICTS = [
    ("Thành phố Hà Tĩnh", ["Thành Sen", "Trần Phú", "Hà Huy Tập"]),
    ("Thị xã Hồng Lĩnh", ["Bắc Hồng Lĩnh", "Nam Hồng Lĩnh"]),
    ("Thị xã Kỳ Anh", ["Sông Trí", "Hải Ninh", "Hoành Sơn", "Vũng Áng"]),
    (
        "Huyện Kỳ Anh",
        ["Kỳ Xuân", "Kỳ Anh", "Kỳ Hoa", "Kỳ Văn", "Kỳ Khang", "Kỳ Lạc", "Kỳ Thượng"],
    ),
    (
        "Huyện Cẩm Xuyên",
        [
            "Cẩm Xuyên",
            "Thiên Cầm",
            "Cẩm Duệ",
            "Cẩm Hưng",
            "Cẩm Lạc",
            "Cẩm Trung",
            "Yên Hòa",
            "Cẩm Bình",
        ],
    ),
    (
        "Huyện Thạch Hà",
        [
            "Thạch Hà",
            "Thạch Lạc",
            "Đồng Tiến",
            "Thạch Khê",
            "Toàn Lưu",
            "Việt Xuyên",
            "Đông Kinh",
            "Thạch Xuân",
        ],
    ),
    ("Huyện Lộc Hà", ["Lộc Hà", "Hồng Lộc", "Mai Phụ"]),
    (
        "Huyện Can Lộc",
        ["Can Lộc", "Tùng Lộc", "Gia Hanh", "Trường Lưu", "Xuân Lộc", "Đồng Lộc"],
    ),
    ("Huyện Nghi Xuân", ["Nghi Xuân", "Tiên Điền", "Cổ Đạm", "Đan Hải"]),
    ("Huyện Đức Thọ", ["Đức Thọ", "Đức Quang", "Đức Đồng", "Đức Thịnh", "Đức Minh"]),
    (
        "Huyện Hương Sơn",
        [
            "Hương Sơn",
            "Sơn Tây",
            "Tứ Mỹ",
            "Sơn Giang",
            "Sơn Tiến",
            "Sơn Hồng",
            "Kim Hoa",
            "Sơn Kim 1",
            "Sơn Kim 2",
        ],
    ),
    ("Huyện Vũ Quang", ["Vũ Quang", "Mai Hoa", "Thượng Đức"]),
    (
        "Huyện Hương Khê",
        [
            "Hương Khê",
            "Hương Phố",
            "Hương Đô",
            "Hà Linh",
            "Hương Bình",
            "Phúc Trạch",
            "Hương Xuân",
        ],
    ),
]
ZONES = [
    ("KKT-VA", "Khu kinh tế Vũng Áng", "Thị xã Kỳ Anh"),
    ("KCN-GL", "Khu công nghiệp Gia Lách", "Huyện Nghi Xuân"),
    ("KCN-HV", "Khu công nghiệp Hạ Vàng", "Huyện Can Lộc"),
    ("KCN-DK", "Khu công nghiệp Đại Kim", "Huyện Hương Sơn"),
    ("KCN-PV", "Khu công nghiệp Phú Vinh", "Thành phố Hà Tĩnh"),
]

ZONE_DISTRICT = {
    code: [d[0] for d in DISTRICTS].index(district) for code, _, district in ZONES
}

ACTIVITIES = [
    ("May mặc", "Dệt may"),
    ("Thủy sản", "Chế biến thủy sản"),
    ("Xây dựng", "Xây dựng"),
    ("Vận tải", "Vận tải"),
    ("Chế biến gỗ", "Chế biến gỗ"),
    ("Cơ khí", "Cơ khí"),
    ("Thương mại", "Thương mại, dịch vụ"),
    ("Khoáng sản", "Khai khoáng"),
    ("Vật liệu xây dựng", "Vật liệu xây dựng"),
    ("Điện lực", "Điện, năng lượng"),
    ("Du lịch", "Du lịch, khách sạn"),
    ("Nông sản", "Nông nghiệp"),
    ("Dược phẩm", "Y dược"),
    ("Điện tử", "Điện tử"),
    ("Logistics", "Kho vận"),
    ("Thép", "Luyện kim"),
]
BRANDS = [
    "Hồng Lĩnh",
    "Thiên Cầm",
    "Hoành Sơn",
    "Lam Hồng",
    "Hà Hoàng",
    "Sông La",
    "Ngàn Phố",
    "Trà Sơn",
    "Kỳ Phong",
    "Xuân Thành",
    "Bình Minh",
    "Hưng Phát",
    "Thành Công",
    "An Phú",
    "Phú Thịnh",
    "Việt Hà",
    "Tân Long",
    "Đại Việt",
    "Minh Khang",
    "Hải Đăng",
    "Sơn Kim",
    "Vũng Áng",
    "Nam Hà",
    "Đức Minh",
    "Quang Vinh",
    "Thái Bình Dương",
    "Trường Sơn",
    "Hoa Sen",
]
FOREIGN_BRANDS = [
    "Hanvina",
    "Daewon",
    "Yujin",
    "Sunrise",
    "Taiyo",
    "Kyoto Seiki",
    "Pacific Steel",
    "Lotus Garment",
    "Shinwon",
    "Greenfield",
    "Evergreen Tech",
    "Orient Wood",
    "Samil",
]
SPECIALTIES = [
    "Mắt",
    "Phục hồi chức năng",
    "Y học cổ truyền",
    "Phổi",
    "Tâm thần",
    "Sản Nhi",
]
TRADES = ["Nghề", "Kỹ thuật", "Y tế", "Văn hóa Nghệ thuật", "Công nghệ"]
SCHOOL_LEVELS = ["Trường Mầm non", "Trường Tiểu học", "Trường THCS", "Trường THPT"]
AGENCIES = [
    "Phòng Tài chính - Kế hoạch",
    "Phòng Giáo dục và Đào tạo",
    "Phòng Nội vụ",
    "Văn phòng HĐND và UBND",
    "Phòng Tài nguyên và Môi trường",
    "Phòng Kinh tế",
    "Chi cục Thống kê",
    "Ủy ban nhân dân xã",
    "Phòng Văn hóa và Thông tin",
    "Thanh tra",
    "Phòng Tư pháp",
    "Phòng Lao động - Thương binh và Xã hội",
    "Chi cục Thuế khu vực",
    "Kho bạc Nhà nước",
    "Trung tâm Văn hóa - Truyền thông",
    "Đài Truyền thanh",
]


@dataclass
class EmployerPlan:
    kind: str
    name: str
    industry: str
    district: int
    zone: str | None = None
    weight: float = 1.0
    workers: int = 0
    unit: str = "district"  # which upper-level unit its CĐCS sits under
    union: str = "active"  # active on AS_OF / none / later (CĐCS founded after AS_OF)
    shares_union_with: int | None = None
    tax_code: str = ""
    ward: str = ""
    cba: str = "none"  # valid / expired / none
    extra: dict = field(default_factory=dict)


def allocate(total: int, weights: list[float], minimum: int) -> list[int]:
    """Split ``total`` into integers at least ``minimum``, proportional to ``weights``."""
    spare = total - minimum * len(weights)
    assert spare >= 0, "the total is too small for the minimum"
    scale = spare / sum(weights)
    shares = [minimum + int(w * scale) for w in weights]
    remainders = sorted(
        range(len(weights)),
        key=lambda i: (w := weights[i] * scale) - int(w),
        reverse=True,
    )
    for i in remainders[: total - sum(shares)]:
        shares[i] += 1
    return shares


class DemoProvince:
    """Builds the demo province step by step; ``build()`` runs them all in one transaction."""

    def __init__(self, seed: int = 2024):
        self.rng = random.Random(seed)
        self.tax_codes: set[str] = set()
        self.names: set[str] = set()
        self.cdcs_counter = 0

    # --- names and codes -----------------------------------------------------------------
    def tax_code(self) -> str:
        while True:
            first_nine = f"30{self.rng.randrange(0, 10**7):07d}"
            digit = tax_code_check_digit(first_nine)
            code = f"{first_nine}{digit}"
            if digit is not None and code not in self.tax_codes:
                self.tax_codes.add(code)
                return code

    def unique(self, name: str) -> str:
        candidate, n = name, 2
        while candidate in self.names:
            candidate, n = f"{name} {n}", n + 1
        self.names.add(candidate)
        return candidate

    def company_name(self, kind: str) -> tuple[str, str]:
        activity, industry = self.rng.choice(ACTIVITIES)
        if kind == Employer.Kind.FDI:
            brand = self.rng.choice(FOREIGN_BRANDS)
            return self.unique(f"Công ty TNHH {brand} {activity} Việt Nam"), industry
        form = {
            Employer.Kind.STATE: self.rng.choice(
                ["Công ty TNHH MTV", "Công ty Cổ phần"]
            ),
            Employer.Kind.COOPERATIVE: "Hợp tác xã",
            Employer.Kind.HOUSEHOLD: "Hộ kinh doanh",
        }.get(kind) or self.rng.choice(
            ["Công ty TNHH", "Công ty Cổ phần", "Doanh nghiệp tư nhân"]
        )
        return self.unique(f"{form} {activity} {self.rng.choice(BRANDS)}"), industry

    def place(self, district: int) -> str:
        return DISTRICTS[district][0].split(" ", 1)[1]

    def school_name(self, district: int) -> tuple[str, str]:
        level, commune = (
            self.rng.choice(SCHOOL_LEVELS),
            self.rng.choice(DISTRICTS[district][1]),
        )
        return self.unique(f"{level} {commune}"), "Giáo dục"

    def agency_name(self, district: int) -> tuple[str, str]:
        return self.unique(
            f"{self.rng.choice(AGENCIES)} {self.place(district)}"
        ), "Quản lý nhà nước"

    def health_name(self, district: int) -> tuple[str, str]:
        if self.rng.random() < 0.3:
            return self.unique(f"Trung tâm Y tế {self.place(district)}"), "Y tế"
        return self.unique(
            f"Trạm Y tế xã {self.rng.choice(DISTRICTS[district][1])}"
        ), "Y tế"

    def hospital_name(self, district: int) -> tuple[str, str]:
        if self.rng.random() < 0.5:
            return self.unique(f"Bệnh viện Đa khoa {DISTRICTS[district][0]}"), "Y tế"
        return self.unique(f"Bệnh viện {self.rng.choice(SPECIALTIES)} Hà Tĩnh"), "Y tế"

    def college_name(self, district: int) -> tuple[str, str]:
        level, field_ = (
            self.rng.choice(["Cao đẳng", "Trung cấp"]),
            self.rng.choice(TRADES),
        )
        return self.unique(
            f"Trường {level} {field_} {self.rng.choice(BRANDS)}"
        ), "Giáo dục nghề nghiệp"

    # --- the plan: who exists, how big, which have a union -------------------------------
    def plan(self) -> list[EmployerPlan]:
        rng, plans = self.rng, []
        districts = range(len(DISTRICTS))

        def add(
            count,
            kind,
            *,
            size,
            unit="district",
            union="active",
            zone_share=0.0,
            name=None,
        ):
            added = []
            for _ in range(count):
                district = rng.choice(districts)
                zone = rng.choice(ZONES)[0] if rng.random() < zone_share else None
                # Firms in a zone belong to the zone's union, not the district's.
                if zone:
                    district, unit_kind = ZONE_DISTRICT[zone], "zone"
                else:
                    unit_kind = unit
                employer_name, industry = (
                    name(district) if name else self.company_name(kind)
                )
                plans.append(
                    EmployerPlan(
                        kind,
                        employer_name,
                        industry,
                        district,
                        zone,
                        rng.lognormvariate(*size),
                        unit=unit_kind,
                        union=union,
                    )
                )
                added.append(plans[-1])
            return added

        big_fdi = add(4, Employer.Kind.FDI, size=(7.6, 0.3), zone_share=1.0)
        fdi = add(38, Employer.Kind.FDI, size=(5.0, 0.8), zone_share=0.8)
        state = add(45, Employer.Kind.STATE, size=(4.6, 0.8))
        non_state = add(315, Employer.Kind.NON_STATE, size=(3.4, 0.9), zone_share=0.15)
        enterprises = big_fdi + fdi + state + non_state
        small = sorted(non_state, key=lambda p: p.weight)[:20]
        for first, second in zip(small[::2], small[1::2], strict=True):
            second.shares_union_with = id(first)
        for i, plan in enumerate(rng.sample(enterprises, len(enterprises))):
            plan.cba = "valid" if i < 378 else ("expired" if i < 390 else "none")

        # Other unionised employers: 1,119 CĐCS.
        add(330, Employer.Kind.ADMINISTRATIVE, size=(3.0, 0.5), name=self.agency_name)
        add(360, Employer.Kind.PUBLIC_FUNDED, size=(3.2, 0.4), name=self.school_name)
        add(
            200,
            Employer.Kind.PUBLIC_FUNDED,
            size=(3.4, 0.4),
            unit="education",
            name=self.school_name,
        )
        add(
            60,
            Employer.Kind.PUBLIC_FUNDED,
            size=(3.6, 0.5),
            unit="health",
            name=self.health_name,
        )
        add(
            25,
            Employer.Kind.PUBLIC_SERVICE,
            size=(5.3, 0.4),
            unit="health",
            name=self.hospital_name,
        )
        add(
            40,
            Employer.Kind.PUBLIC_SERVICE,
            size=(3.4, 0.5),
            unit="education",
            name=self.college_name,
        )
        add(104, Employer.Kind.COOPERATIVE, size=(2.3, 0.5))

        # White spots on 31/03/2024: 645 eligible employers without a union then;
        # 85 of them founded a CĐCS later.
        spots = (
            add(
                520,
                Employer.Kind.NON_STATE,
                size=(2.0, 0.7),
                union="none",
                zone_share=0.1,
            )
            + add(
                15,
                Employer.Kind.FDI,
                size=(4.0, 0.6),
                union="none",
                zone_share=0.9,
            )
            + add(60, Employer.Kind.COOPERATIVE, size=(1.8, 0.5), union="none")
            + add(50, Employer.Kind.HOUSEHOLD, size=(1.3, 0.4), union="none")
        )
        for plan in rng.sample(
            [p for p in spots if p.kind != Employer.Kind.HOUSEHOLD], 85
        ):
            plan.union = "later"
        # Too small to be counted (fewer than ELIGIBLE_MIN_WORKERS).
        tiny = add(260, Employer.Kind.HOUSEHOLD, size=(1.0, 0.5), union="none")
        tiny += add(40, Employer.Kind.NON_STATE, size=(1.0, 0.5), union="none")

        self.size_workforce(plans, tiny)
        return plans

    def size_workforce(
        self, plans: list[EmployerPlan], tiny: list[EmployerPlan]
    ) -> None:
        """Worker counts reported in January 2024: 80,356 in the eligible employers."""
        eligible = [p for p in plans if p not in tiny]
        unionised = [p for p in eligible if p.union == "active"]
        spots = [p for p in eligible if p.union != "active"]
        white_spot_workers = 6_556
        for group, total in (
            (unionised, PUBLISHED["workers"] - white_spot_workers),
            (spots, white_spot_workers),
        ):
            for plan, workers in zip(
                group, allocate(total, [p.weight for p in group], 5), strict=True
            ):
                plan.workers = workers
        for plan in tiny:
            plan.workers = self.rng.randint(1, 4)

    # --- the tree --------------------------------------------------------------------------
    @transaction.atomic
    def build(self) -> UnionUnit:
        province = Province.objects.filter(code=PROVINCE_CODE).first()
        self.wards = (
            {w.name.split(" ", 1)[1]: w for w in Ward.objects.filter(province=province)}
            if province
            else {}
        )
        root = services.create_unit(
            code=ROOT_CODE,
            name="Liên đoàn Lao động tỉnh Hà Tĩnh",
            kind=Kind.PROVINCIAL,
            founded_on=date(1991, 10, 1),
            decision="Demo",
            province=province,
        )
        uppers = [
            UnionUnit(
                code=f"LDLD-DEMO-H{i + 1:02}",
                name=f"Liên đoàn Lao động {name[0].lower()}{name[1:]}",
                kind=Kind.DISTRICT,
                founded_on=date(1991, 12, 1),
                province=province,
            )
            for i, (name, _) in enumerate(DISTRICTS)
        ] + [
            UnionUnit(
                code=code,
                name=name,
                kind=kind,
                founded_on=founded_on,
                province=province,
            )
            for code, name, kind, founded_on in [
                (
                    "CD-KKT-DEMO",
                    "Công đoàn Khu kinh tế tỉnh Hà Tĩnh",
                    Kind.INDUSTRIAL_ZONE,
                    date(2008, 9, 1),
                ),
                (
                    "CDN-GD-DEMO",
                    "Công đoàn ngành Giáo dục tỉnh Hà Tĩnh",
                    Kind.LOCAL_SECTOR,
                    date(1992, 3, 1),
                ),
                (
                    "CDN-YT-DEMO",
                    "Công đoàn ngành Y tế tỉnh Hà Tĩnh",
                    Kind.LOCAL_SECTOR,
                    date(1992, 3, 1),
                ),
            ]
        ]
        services.create_units(parent=root, units=uppers)
        *districts, zone, education, health = uppers
        self.parents = {
            "district": districts,
            "zone": zone,
            "education": education,
            "health": health,
        }
        self.zones = {
            code: IndustrialZone.objects.create(
                code=f"{code}-DEMO", name=name, province=province
            )
            for code, name, _ in ZONES
        }
        plans = self.plan()
        employers = self.create_employers(plans, province)
        self.create_grassroots_unions(plans, employers, before=AS_OF)
        self.create_agreements(plans, employers)
        self.create_historic_unions()
        return root

    def upper_unit(self, plan: EmployerPlan) -> UnionUnit:
        if plan.unit == "district":
            return self.parents["district"][plan.district]
        return self.parents[plan.unit]

    def create_employers(self, plans, province) -> dict[int, Employer]:
        """The employers, unsaved: each is written once its CĐCS exists."""
        employers = {}
        for plan in plans:
            plan.ward = self.rng.choice(DISTRICTS[plan.district][1])
            employer = Employer(
                tax_code=self.tax_code(),
                name=plan.name,
                kind=plan.kind,
                industry=plan.industry,
                industrial_zone=self.zones.get(plan.zone),
                workers=plan.workers,
                workers_reported_on=REPORTED_ON,
                province=province,
                ward=self.wards.get(plan.ward),
                address=f"{self.rng.randint(1, 300)} đường {self.rng.choice(BRANDS)}, {plan.ward}",
                managing_unit=self.upper_unit(plan),
            )
            employer.set_derived_fields()
            employers[id(plan)] = employer
        return employers  # written with their CĐCS, in create_grassroots_unions

    def founding_date(self, plan: EmployerPlan, *, before: date) -> date:
        earliest = {Employer.Kind.FDI: 2008, Employer.Kind.NON_STATE: 2003}.get(
            plan.kind, 1992
        )
        start = date(earliest, 1, 1)
        return start + timedelta(days=self.rng.randrange((before - start).days - 90))

    def create_grassroots_unions(self, plans, employers, *, before: date) -> None:
        """The CĐCS of the unionised employers, then the employers pointing at them."""
        by_id = {id(p): p for p in plans}
        partners = defaultdict(list)
        for plan in plans:
            if plan.shares_union_with:
                partners[plan.shares_union_with].append(employers[id(plan)])
        new = defaultdict(list)
        for plan in plans:
            if plan.union != "active" or plan.shares_union_with:
                continue
            employer = employers[id(plan)]
            others = partners[id(plan)]
            name = (
                f"Công đoàn {employer.name}"
                if not others
                else f"Công đoàn cơ sở ghép {employer.name} và {others[0].name}"
            )
            cdcs = self.new_grassroots(name, self.founding_date(plan, before=before))
            new[self.upper_unit(plan)].append(cdcs)
            for member_employer in [employer, *others]:
                member_employer.grassroots_union = cdcs
        self.create_new_grassroots(new)
        Employer.objects.bulk_create(employers.values(), batch_size=500)
        WorkforceReport.objects.bulk_create(
            (
                WorkforceReport(employer=e, reported_on=REPORTED_ON, workers=e.workers)
                for e in employers.values()
            ),
            batch_size=500,
        )
        self.plans, self.employers, self.by_id = plans, employers, by_id

    def new_grassroots(self, name: str, founded_on: date) -> UnionUnit:
        """A CĐCS, unsaved: ``create_new_grassroots`` writes them by parent."""
        self.cdcs_counter += 1
        return UnionUnit(
            code=f"CDCS-DEMO-{self.cdcs_counter:04}",
            name=name[:255],
            kind=Kind.GRASSROOTS,
            founded_on=founded_on,
            decision=f"{self.rng.randint(10, 999)}/QĐ-LĐLĐ",
        )

    def create_new_grassroots(
        self, by_parent: dict[UnionUnit, list[UnionUnit]]
    ) -> None:
        for parent, units in by_parent.items():
            services.create_units(parent=parent, units=units)

    def create_historic_unions(self) -> None:
        """CĐCS of firms that closed before 2024: kept, dissolved, for history."""
        closed = defaultdict(list)
        for i in range(30):
            founded = date(2004 + i % 10, 1 + i % 12, 10)
            parent = self.rng.choice(self.parents["district"])
            unit = self.new_grassroots(
                f"Công đoàn Công ty TNHH {self.rng.choice(BRANDS)} (đã giải thể)",
                founded,
            )
            unit.dissolved_on = date(2016 + i % 7, 6, 30)
            unit.decision = "Doanh nghiệp ngừng hoạt động"
            closed[parent].append(unit)
        self.create_new_grassroots(closed)

    def create_agreements(self, plans, employers) -> None:
        rng, agreements = self.rng, []
        grades = ["A"] * 30 + ["B"] * 45 + ["C"] * 15 + [""] * 10
        for plan in plans:
            if plan.cba == "none":
                continue
            employer = employers[id(plan)]
            years = rng.choice([2, 3, 3])
            if plan.cba == "valid":  # in force on AS_OF
                effective = AS_OF - timedelta(days=rng.randrange(0, 365 * years - 30))
            else:  # lapsed before AS_OF
                effective = add_years(AS_OF, -years) - timedelta(
                    days=rng.randrange(10, 400)
                )
            while True:
                expires = add_years(effective, years)
                signed = effective - timedelta(days=rng.randrange(0, 20))
                agreements.append(
                    CollectiveAgreement(
                        employer=employer,
                        signed_on=signed,
                        effective_on=effective,
                        expires_on=expires,
                        grade=rng.choice(grades),
                        notes="",
                    )
                )
                # Most agreements are renewed on time; some lapse and wait for bargaining.
                if expires > TODAY or plan.cba == "expired" or rng.random() < 0.12:
                    break
                effective, years = expires, rng.choice([2, 3])
        for agreement in agreements:
            agreement.full_clean(validate_unique=False, validate_constraints=False)
        CollectiveAgreement.objects.bulk_create(agreements, batch_size=500)

    # --- after the published date: 2024–2026 ------------------------------------------------
    @transaction.atomic
    def live_through_reorganisation(self, root: UnionUnit) -> None:
        """New CĐCS, the 2025 dissolutions and the move under commune unions."""
        from members.models import LeaveReason, Membership

        later = [p for p in self.plans if p.union == "later"]
        early, late = later[: len(later) // 2], later[len(later) // 2 :]
        # Founded before the reorganisation, under their district.
        self.attach_new_unions(
            [(plan, self.upper_unit(plan)) for plan in early],
            date(2024, 5, 1),
            date(2025, 6, 1),
        )

        # 15/06/2025: unions in administrative agencies and fully state-funded units end.
        ended = (
            UnionUnit.objects.within(root)
            .active_on(STATE_SECTOR_DISSOLVED_ON)
            .filter(employers__kind__in=Employer.NO_UNION_KINDS)
            .distinct()
        )
        ended = services.dissolve_units(
            units=list(ended),
            dissolved_on=STATE_SECTOR_DISSOLVED_ON,
            decision="4173/TLĐ-ToC",
        )
        Membership.objects.filter(unit__in=ended, left_on__isnull=True).update(
            left_on=STATE_SECTOR_DISSOLVED_ON, leave_reason=LeaveReason.RESTRUCTURED
        )

        # 01/07/2025: commune unions replace district federations and local sector unions.
        communes, number = {}, 0
        for _, wards in DISTRICTS:
            # A commune union also serves neighbouring communes too small for their own
            # (docs/domain.md, "Reorganisation (sắp xếp tổ chức)"); here, up to three.
            for i in range(0, len(wards), 4):
                group, number = wards[i : i + 4], number + 1
                ward = self.wards.get(group[0])
                division, place = ward.name.split(" ", 1) if ward else ("xã", group[0])
                unit = services.create_unit(
                    parent=root,
                    code=f"CD-XA-DEMO-{number:02}",
                    name=f"Công đoàn {division.lower()} {place}",
                    kind=Kind.COMMUNE,
                    founded_on=REORGANISED_ON,
                    decision="Demo/QĐ-LĐLĐ",
                    province=root.province,
                    ward=ward,
                )
                communes.update(dict.fromkeys(group, unit))
        # A shared CĐCS goes with the employer it is named after.
        ward_of_union = {
            self.employers[id(p)].grassroots_union_id: p.ward
            for p in self.plans
            if self.employers[id(p)].grassroots_union_id and not p.shares_union_with
        }
        ended_parents = self.parents["district"] + [
            self.parents["education"],
            self.parents["health"],
        ]
        moving = defaultdict(list)
        for parent in ended_parents:
            for cdcs in UnionUnit.objects.get_children(parent).filter(
                dissolved_on__isnull=True
            ):
                moving[communes[ward_of_union[cdcs.pk]]].append(cdcs)
        for commune, units in moving.items():
            services.move_units(
                units=units,
                new_parent=commune,
                moved_on=REORGANISED_ON,
                decision="Demo/QĐ-LĐLĐ",
            )
        # Their employers go to the commune unions; until then they were managed by
        # the district federation, as the 2024 figures count them (EmployerLink).
        for commune in set(communes.values()):
            wards = [ward for ward, unit in communes.items() if unit == commune]
            repointed = Employer.objects.filter(
                pk__in=[
                    self.employers[id(p)].pk
                    for p in self.plans
                    if p.ward in wards
                    and p.unit != "zone"
                    and p.kind not in Employer.NO_UNION_KINDS
                ]
            )
            EmployerLink.objects.bulk_create(
                EmployerLink(
                    employer_id=pk,
                    managing_unit_id=managing,
                    grassroots_union_id=grassroots,
                    ends_on=REORGANISED_ON,
                )
                for pk, managing, grassroots in repointed.values_list(
                    "pk", "managing_unit", "grassroots_union"
                )
            )
            repointed.update(managing_unit=commune)
        services.dissolve_units(
            units=ended_parents, dissolved_on=REORGANISED_ON, decision="Demo/QĐ-LĐLĐ"
        )

        # Founded after the reorganisation, under the commune union.
        self.attach_new_unions(
            [
                (
                    plan,
                    self.parents["zone"]
                    if plan.unit == "zone"
                    else communes[plan.ward],
                )
                for plan in late
            ],
            date(2025, 8, 1),
            date(2026, 10, 31),
        )
        self.report_current_workforce()

    def attach_new_unions(
        self, plans_and_parents, earliest: date, latest: date
    ) -> None:
        """A CĐCS for each employer, founded between ``earliest`` and ``latest``."""
        new, employers = defaultdict(list), []
        for plan, parent in plans_and_parents:
            founded = earliest + timedelta(
                days=self.rng.randrange((latest - earliest).days)
            )
            employer = self.employers[id(plan)]
            cdcs = self.new_grassroots(f"Công đoàn {employer.name}", founded)
            new[parent].append(cdcs)
            employer.grassroots_union = cdcs
            employers.append(employer)
        self.create_new_grassroots(new)
        Employer.objects.bulk_update(employers, ["grassroots_union"])

    def report_current_workforce(self) -> None:
        """The January 2026 count: the current figure, while 2024 keeps its own."""
        reports, employers = [], []
        for employer in self.employers.values():
            workers = max(1, round(employer.workers * self.rng.uniform(0.85, 1.2)))
            if employer.workers < 5:  # micro businesses stay below the threshold
                workers = min(workers, 4)
            reports.append(
                WorkforceReport(
                    employer=employer, reported_on=LATEST_REPORT_ON, workers=workers
                )
            )
            employer.workers, employer.workers_reported_on = workers, LATEST_REPORT_ON
            employers.append(employer)
        WorkforceReport.objects.bulk_create(reports, batch_size=500)
        # The latest report becomes the current count, as record_workforce does: one
        # statement rather than a bulk_update of 2,600 CASE branches.
        latest = WorkforceReport.objects.filter(
            employer=OuterRef("pk"), reported_on=LATEST_REPORT_ON
        )
        Employer.objects.filter(pk__in=[e.pk for e in employers]).update(
            workers=Subquery(latest.values("workers")),
            workers_reported_on=LATEST_REPORT_ON,
        )
