"""Unit kinds of the Statute: labels, levels, which kind may sit under which.

The facts: docs/domain.md, "Unit kinds and how people write them" and "Which unit may
sit under which".
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.text import fold


class Kind(models.TextChoices):
    CONFEDERATION = "confederation", _("Vietnam General Confederation of Labour")
    PROVINCIAL = "provincial", _("Provincial federation of labour")
    CENTRAL_SECTOR = "central_sector", _("Central sector union")
    CORPORATION = "corporation", _("Corporation union")
    DISTRICT = "district", _("District federation of labour (ended 2025)")
    COMMUNE = "commune", _("Commune, ward or special-zone union")
    LOCAL_SECTOR = "local_sector", _("Local sector union (ended 2025)")
    INDUSTRIAL_ZONE = "industrial_zone", _("Industrial-zone union")
    GRASSROOTS = "grassroots", _("Grassroots union (CĐCS)")
    TRADE_GUILD = "trade_guild", _("Grassroots trade guild")


LEVEL_3 = {
    Kind.DISTRICT,
    Kind.COMMUNE,
    Kind.LOCAL_SECTOR,
    Kind.INDUSTRIAL_ZONE,
    Kind.CORPORATION,
}
LEVEL_2 = {Kind.PROVINCIAL, Kind.CENTRAL_SECTOR, Kind.CORPORATION}

ALLOWED_PARENTS: dict[str, set[str]] = {
    Kind.CONFEDERATION: set(),
    Kind.PROVINCIAL: {Kind.CONFEDERATION},
    Kind.CENTRAL_SECTOR: {Kind.CONFEDERATION},
    Kind.CORPORATION: {Kind.CONFEDERATION, Kind.PROVINCIAL, Kind.CENTRAL_SECTOR},
    Kind.DISTRICT: {Kind.PROVINCIAL},
    Kind.COMMUNE: {Kind.PROVINCIAL},
    Kind.LOCAL_SECTOR: {Kind.PROVINCIAL},
    Kind.INDUSTRIAL_ZONE: {Kind.PROVINCIAL},
    Kind.GRASSROOTS: LEVEL_3 | LEVEL_2,
    Kind.TRADE_GUILD: LEVEL_3 | LEVEL_2,
}

# Grassroots units hold members and nothing else.
GRASSROOTS_KINDS = {Kind.GRASSROOTS, Kind.TRADE_GUILD}

# How people write the kinds in spreadsheets; matched after fold().
ALIASES: dict[str, list[str]] = {
    Kind.CONFEDERATION: [
        "Tổng Liên đoàn Lao động Việt Nam",
        "Tổng LĐLĐ",
        "TLĐ",
        "Tổng Liên đoàn",
    ],
    Kind.PROVINCIAL: [
        "Liên đoàn Lao động tỉnh",
        "Liên đoàn Lao động thành phố",
        "LĐLĐ tỉnh",
        "LĐLĐ thành phố",
        "LĐLĐ tỉnh, thành phố",
        "Liên đoàn Lao động tỉnh, thành phố",
    ],
    Kind.CENTRAL_SECTOR: [
        "Công đoàn ngành trung ương",
        "CĐ ngành TW",
        "Công đoàn ngành TW",
    ],
    Kind.CORPORATION: [
        "Công đoàn tập đoàn",
        "Công đoàn tổng công ty",
        "CĐ tổng công ty",
        "CĐ tập đoàn",
        "Công đoàn tập đoàn, tổng công ty",
    ],
    Kind.DISTRICT: [
        "Liên đoàn Lao động cấp huyện",
        "LĐLĐ cấp huyện",
        "LĐLĐ quận",
        "LĐLĐ huyện",
        "LĐLĐ thị xã",
        "Liên đoàn Lao động huyện",
        "Liên đoàn Lao động quận",
    ],
    Kind.COMMUNE: [
        "Công đoàn xã, phường, đặc khu",
        "Công đoàn xã",
        "Công đoàn phường",
        "Công đoàn đặc khu",
        "CĐ xã",
        "CĐ phường",
    ],
    Kind.LOCAL_SECTOR: ["Công đoàn ngành địa phương", "CĐ ngành địa phương"],
    Kind.INDUSTRIAL_ZONE: [
        "Công đoàn các khu công nghiệp, khu kinh tế",
        "Công đoàn KCN",
        "Công đoàn KCN/KKT",
        "Công đoàn khu công nghiệp",
        "Công đoàn khu kinh tế",
        "CĐ KCN",
    ],
    Kind.GRASSROOTS: ["Công đoàn cơ sở", "CĐCS", "CĐ cơ sở"],
    Kind.TRADE_GUILD: ["Nghiệp đoàn cơ sở", "Nghiệp đoàn"],
}
_BY_FOLDED = {
    fold(alias): kind for kind, aliases in ALIASES.items() for alias in aliases
}
_BY_FOLDED.update({kind.value: kind for kind in Kind})


def kind_from_label(text: str) -> str | None:
    """The kind a person meant by ``text`` ("LĐLĐ cấp huyện", "cdcs", …), or None."""
    key = fold(text).replace("/", " ")
    return _BY_FOLDED.get(key) or _BY_FOLDED.get(fold(text))


def may_hold(parent_kind: str | None, child_kind: str) -> bool:
    """Whether a unit of ``child_kind`` may sit directly under one of ``parent_kind``."""
    if parent_kind is None:
        return child_kind not in GRASSROOTS_KINDS
    return parent_kind in ALLOWED_PARENTS[child_kind]


# How people write employer types (Loại hình; docs/domain.md, "Types (loại hình) and
# which may have a union"), as Employer.Kind values; matched after fold() like the unit
# kinds.
EMPLOYER_ALIASES: dict[str, list[str]] = {
    "state": [
        "Doanh nghiệp nhà nước",
        "Nhà nước",
        "DNNN",
        "DN nhà nước",
        "Công ty nhà nước",
        "Doanh nghiệp Nhà nước",
    ],
    "non_state": [
        "Doanh nghiệp ngoài nhà nước",
        "Ngoài nhà nước",
        "DN ngoài nhà nước",
        "Ngoài quốc doanh",
        "Ngoài NN",
        "Tư nhân",
        "Doanh nghiệp tư nhân",
        "DNTN",
    ],
    "fdi": [
        "Doanh nghiệp có vốn đầu tư nước ngoài",
        "FDI",
        "DN FDI",
        "Có vốn đầu tư nước ngoài",
        "Vốn đầu tư nước ngoài",
        "DN có vốn ĐTNN",
        "Có vốn ĐTNN",
        "ĐTNN",
    ],
    "cooperative": ["Hợp tác xã", "HTX"],
    "administrative": [
        "Cơ quan hành chính nhà nước",
        "Cơ quan hành chính",
        "Cơ quan nhà nước",
    ],
    "armed_forces": ["Lực lượng vũ trang", "LLVT", "Quân đội", "Công an"],
    "public_funded": [
        "Đơn vị sự nghiệp công lập do ngân sách nhà nước bảo đảm",
        "Đơn vị sự nghiệp hưởng 100% lương từ ngân sách",
        "Đơn vị sự nghiệp 100% ngân sách",
    ],
    "public_service": [
        "Đơn vị sự nghiệp",
        "Đơn vị sự nghiệp công lập",
        "Đơn vị sự nghiệp ngoài công lập",
        "ĐVSN",
    ],
    "foreign_org": ["Tổ chức nước ngoài", "Tổ chức quốc tế", "TCNN"],
    "household": ["Hộ kinh doanh", "Hộ kinh doanh cá thể", "HKD"],
    "other": ["Khác", "Loại hình khác"],
}
_EMPLOYER_BY_FOLDED = {
    fold(alias): kind for kind, aliases in EMPLOYER_ALIASES.items() for alias in aliases
}
_EMPLOYER_BY_FOLDED.update({kind: kind for kind in EMPLOYER_ALIASES})


def employer_kind_from_label(text: str) -> str | None:
    """The Employer.Kind a person meant by ``text`` ("Ngoài nhà nước", "fdi", …), or None."""
    return _EMPLOYER_BY_FOLDED.get(fold(text).replace("/", " ")) or (
        _EMPLOYER_BY_FOLDED.get(fold(text))
    )
