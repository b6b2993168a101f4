"""Find the header of a table under its title rows and say which column holds what.

Matching is lenient: case, spacing, diacritics and punctuation are folded away, and each
field knows the words people use for it. Two-row headers ("Ngày, tháng, năm sinh" over
"Nam" | "Nữ") are read as one label per column. Nothing here touches the ORM.
"""

import re
from dataclasses import dataclass, field, replace
from operator import itemgetter

from django.utils.translation import gettext_lazy as _

from registry.text import clean, fold

MIN_MATCH = 0.3  # below this a label is not taken to mean the field


@dataclass(frozen=True)
class Field:
    key: str
    header: str  # the canonical header of our templates and exports
    verbose_name: str
    synonyms: tuple[str, ...] = ()
    required: bool = False
    exported: bool = True  # False: only ever read (pseudo-columns of legacy forms)


def _f(key, header, verbose_name, *synonyms, required=False, exported=True) -> Field:
    return Field(key, header, verbose_name, (header, *synonyms), required, exported)


ROW_NUMBER = _f("row_number", "STT", _("Row number"), "TT", "Số TT", "Số thứ tự")
# Reference lists carry no STT column in our exports, but files people make often do.
UNEXPORTED_ROW_NUMBER = _f(
    "row_number", "STT", _("Row number"), "TT", "Số TT", "Số thứ tự", exported=False
)

MEMBER_FIELDS = [
    ROW_NUMBER,
    _f(
        "full_name",
        "Họ và tên",
        _("Full name"),
        "Họ tên",
        "Họ, tên",
        "Họ và tên đoàn viên",
        "Tên đoàn viên",
        "Họ và tên khai sinh",
        "Họ tên đoàn viên",
        required=True,
    ),
    _f(
        "birth_date",
        "Ngày sinh",
        _("Birth date"),
        "Ngày tháng năm sinh",
        "Ngày, tháng, năm sinh",
        "Năm sinh",
        "Sinh ngày",
        "NTNS",
        "Ngày/tháng/năm sinh",
    ),
    _f("gender", "Giới tính", _("Gender"), "Giới", "Phái", "Nam/Nữ", "Nam, Nữ"),
    _f("ethnicity", "Dân tộc", _("Ethnicity")),
    _f("religion", "Tôn giáo", _("Religion")),
    _f(
        "cccd",
        "Số CCCD",
        _("Citizen ID (CCCD)"),
        "CCCD",
        "CCCD/CMND",
        "CMND/CCCD",
        "Số CCCD/CMND",
        "Số CMND/CCCD",
        "Số CMND",
        "CMND",
        "Số định danh cá nhân",
        "Số định danh",
        "Căn cước công dân",
        "Số căn cước",
        "Số căn cước công dân",
        "Số CMT",
        "CMT",
    ),
    _f(
        "phone",
        "Số điện thoại",
        _("Phone"),
        "SĐT",
        "Điện thoại",
        "ĐT",
        "Số ĐT",
        "Di động",
        "Điện thoại di động",
        "ĐTDĐ",
    ),
    _f("email", "Email", _("Email"), "E-mail", "Thư điện tử", "Địa chỉ email"),
    _f(
        "education",
        "Trình độ chuyên môn",
        _("Education level"),
        "Trình độ",
        "Chuyên môn",
        "Trình độ CMKT",
        "Trình độ chuyên môn kỹ thuật",
        "Trình độ học vấn",
        "Học vấn",
        "Trình độ đào tạo",
    ),
    _f(
        "job",
        "Công việc",
        _("Job"),
        "Nghề nghiệp",
        "Công việc đang làm",
        "Chức vụ",
        "Chức danh",
        "Vị trí việc làm",
        "Chức vụ, công việc",
        "Công việc hiện nay",
    ),
    _f(
        "joined_on",
        "Ngày vào công đoàn",
        _("Joined the union on"),
        "Ngày kết nạp",
        "Ngày vào CĐ",
        "Ngày kết nạp công đoàn",
        "Ngày kết nạp đoàn viên",
        "Ngày gia nhập công đoàn",
        "Ngày gia nhập",
        "Ngày vào Công đoàn Việt Nam",
        "Năm vào công đoàn",
        required=True,
    ),
    _f(
        "card_number",
        "Số thẻ đoàn viên",
        _("Member card number"),
        "Số thẻ",
        "Số thẻ ĐV",
        "Mã thẻ",
        "Số thẻ công đoàn",
        "Thẻ đoàn viên",
    ),
    _f(
        "is_party_member",
        "Đảng viên",
        _("Party member"),
        "Là đảng viên",
        "ĐV Đảng",
        "Đảng viên ĐCSVN",
    ),
    _f(
        "unit_code",
        "Mã CĐCS",
        _("Grassroots union code"),
        "Mã công đoàn cơ sở",
        "Mã CĐ cơ sở",
        "Mã CĐCS trực thuộc",
    ),
    _f("notes", "Ghi chú", _("Notes"), "Ghi chú khác"),
    _f(
        "address",
        "Địa chỉ",
        _("Address"),
        "Nơi ở hiện nay",
        "Chỗ ở hiện nay",
        "Nơi ở",
        "Địa chỉ thường trú",
        exported=False,
    ),
    _f(
        "family_part",
        "Họ",
        _("Family name"),
        "Họ và chữ đệm",
        "Họ đệm",
        "Họ và đệm",
        exported=False,
    ),
    _f("given_part", "Tên", _("Given name"), exported=False),
    _f(
        "birth_male",
        "Ngày sinh Nam",
        _("Birth date (column “Nam”)"),
        "Ngày tháng năm sinh Nam",
        "Năm sinh Nam",
        "Ngày, tháng, năm sinh Nam",
        "Sinh ngày Nam",
        exported=False,
    ),
    _f(
        "birth_female",
        "Ngày sinh Nữ",
        _("Birth date (column “Nữ”)"),
        "Ngày tháng năm sinh Nữ",
        "Năm sinh Nữ",
        "Ngày, tháng, năm sinh Nữ",
        "Sinh ngày Nữ",
        exported=False,
    ),
    _f("male_mark", "Giới tính Nam", _("Male (tick)"), "Nam", exported=False),
    _f("female_mark", "Giới tính Nữ", _("Female (tick)"), "Nữ", exported=False),
]

UNIT_FIELDS = [
    UNEXPORTED_ROW_NUMBER,
    _f(
        "code",
        "Mã đơn vị",
        _("Unit code"),
        "Mã",
        "Mã công đoàn",
        "Mã CĐCS",
        "Mã số",
        required=True,
    ),
    _f(
        "name",
        "Tên đơn vị",
        _("Unit name"),
        "Tên công đoàn",
        "Tên CĐCS",
        "Tên công đoàn cơ sở",
        "Tên",
        required=True,
    ),
    _f(
        "kind",
        "Loại đơn vị",
        _("Unit kind"),
        "Loại",
        "Cấp",
        "Loại hình tổ chức",
        "Cấp công đoàn",
        required=True,
    ),
    _f(
        "parent_code",
        "Mã đơn vị cấp trên",
        _("Parent unit code"),
        "Mã cấp trên",
        "Mã công đoàn cấp trên",
        "Đơn vị cấp trên",
        "Công đoàn cấp trên",
    ),
    _f(
        "founded_on",
        "Ngày thành lập",
        _("Founded on"),
        "Ngày thành lập công đoàn",
        "Ngày công nhận",
        "Ngày quyết định thành lập",
        required=True,
    ),
    _f(
        "dissolved_on",
        "Ngày giải thể",
        _("Dissolved on"),
        "Ngày kết thúc hoạt động",
        "Ngày chấm dứt hoạt động",
    ),
    _f(
        "decision",
        "Số quyết định",
        _("Decision number"),
        "Quyết định",
        "Số QĐ",
        exported=False,
    ),
    # A CĐCS dissolved by the file hands its members to this one (import_references).
    _f(
        "transfer_code",
        "Chuyển đoàn viên đến CĐCS",
        _("Transfer its members to CĐCS (code)"),
        "CĐCS tiếp nhận đoàn viên",
        "Mã CĐCS tiếp nhận",
        exported=False,
    ),
]

EMPLOYER_FIELDS = [
    UNEXPORTED_ROW_NUMBER,
    _f(
        "tax_code",
        "Mã số thuế",
        _("Tax code"),
        "MST",
        "Mã số doanh nghiệp",
        "Mã doanh nghiệp",
        "Mã số DN",
        required=True,
    ),
    _f(
        "name",
        "Tên đơn vị sử dụng lao động",
        _("Employer name"),
        "Tên doanh nghiệp",
        "Tên đơn vị",
        "Tên công ty",
        "Tên DN",
        "Đơn vị sử dụng lao động",
        "Tên đơn vị, doanh nghiệp",
        required=True,
    ),
    _f(
        "kind",
        "Loại hình",
        _("Employer type"),
        "Loại hình doanh nghiệp",
        "Loại hình DN",
        "Thành phần kinh tế",
        "Loại hình đơn vị",
        required=True,
    ),
    _f(
        "industry",
        "Ngành nghề",
        _("Industry"),
        "Ngành nghề kinh doanh",
        "Ngành",
        "Lĩnh vực",
        "Ngành nghề sản xuất kinh doanh",
    ),
    _f(
        "industrial_zone",
        "Khu công nghiệp",
        _("Industrial zone"),
        "KCN",
        "Khu công nghiệp, khu kinh tế",
        "KCN/KKT",
    ),
    _f(
        "workers",
        "Số lao động",
        _("Workers"),
        "Tổng số lao động",
        "Số CNLĐ",
        "Số công nhân lao động",
        "Lao động",
        "Tổng số CNVCLĐ",
        "Số người lao động",
    ),
    _f("address", "Địa chỉ", _("Address"), "Địa chỉ trụ sở", "Trụ sở"),
    _f(
        "managing_code",
        "Mã công đoàn cấp trên quản lý",
        _("Managing unit code"),
        "Mã công đoàn cấp trên",
        "Mã đơn vị quản lý",
        "Mã cấp trên quản lý",
        "Công đoàn cấp trên quản lý",
    ),
    _f("grassroots_code", "Mã CĐCS", _("Grassroots union code"), "Mã công đoàn cơ sở"),
]

AGREEMENT_FIELDS = [
    UNEXPORTED_ROW_NUMBER,
    _f(
        "tax_code",
        "Mã số thuế",
        _("Tax code"),
        "MST",
        "Mã số doanh nghiệp",
        required=True,
    ),
    _f(
        "signed_on",
        "Ngày ký",
        _("Signed on"),
        "Ngày ký kết",
        "Ngày ký thỏa ước",
        required=True,
    ),
    _f(
        "effective_on",
        "Ngày hiệu lực",
        _("Effective on"),
        "Ngày có hiệu lực",
        "Hiệu lực từ ngày",
    ),
    _f(
        "expires_on",
        "Ngày hết hạn",
        _("Expires on"),
        "Ngày hết hiệu lực",
        "Hết hạn",
        "Thời hạn đến",
        required=True,
    ),
    _f("grade", "Xếp loại", _("Grade"), "Loại", "Chất lượng", "Xếp loại chất lượng"),
    _f("notes", "Ghi chú", _("Notes")),
]

# The shared list of industrial zones (KCN, KCX, KKT), as the admin exports it.
ZONE_FIELDS = [
    UNEXPORTED_ROW_NUMBER,
    _f(
        "code",
        "Mã",
        _("Code"),
        "Mã khu công nghiệp",
        "Mã KCN",
        "Mã khu",
        required=True,
    ),
    _f(
        "name",
        "Tên khu công nghiệp",
        _("Industrial zone"),
        "Tên KCN",
        "Khu công nghiệp",
        "Tên khu",
        required=True,
    ),
]

# A reorganisation's mapping file: each CĐCS and the unit it goes under.
REATTACH_FIELDS = [
    UNEXPORTED_ROW_NUMBER,
    _f(
        "code",
        "Mã CĐCS",
        _("Grassroots union code"),
        "Mã công đoàn cơ sở",
        required=True,
    ),
    _f("name", "Tên CĐCS", _("Grassroots union name"), "Tên công đoàn cơ sở"),
    _f(
        "parent_code",
        "Mã đơn vị cấp trên mới",
        _("New parent unit code"),
        "Mã cấp trên mới",
        "Mã công đoàn cấp trên mới",
        "Đơn vị cấp trên mới",
        required=True,
    ),
]

FIELDS = {
    "reattach": REATTACH_FIELDS,
    "members": MEMBER_FIELDS,
    "units": UNIT_FIELDS,
    "enterprises": EMPLOYER_FIELDS,
    "agreements": AGREEMENT_FIELDS,
    "zones": ZONE_FIELDS,
}


IGNORED = "-"  # in a --map choice: leave the column out


def overrides_from(choices: list[str], kind: str) -> dict[str, str]:
    """The user's "HEADER=field" choices as read_table's overrides (folded header →
    field key, "" to leave the column out). The field may be given by its key, its
    header or its name; ValueError says what is wrong with a choice."""
    fields = FIELDS[kind]
    known = {}
    for f in fields:
        for name in (f.key, f.header, str(f.verbose_name)):
            known.setdefault(fold(name), f.key)
    overrides: dict[str, str] = {}
    for choice in choices:
        header, equals, wanted = choice.rpartition("=")
        if not equals or not fold(header):
            raise ValueError(
                _("“%(choice)s” is not HEADER=field.") % {"choice": choice}
            )
        key = "" if wanted.strip() == IGNORED else known.get(fold(wanted))
        if key is None:
            raise ValueError(
                _(
                    "“%(field)s” is not a field of this kind of file; the fields are: %(fields)s."
                )
                % {"field": wanted, "fields": ", ".join(f.key for f in fields)}
            )
        overrides[fold(header)] = key
    taken = [key for key in overrides.values() if key]
    twice = sorted({key for key in taken if taken.count(key) > 1})
    if twice:
        raise ValueError(
            _("A field comes from one column only: %(fields)s given twice.")
            % {"fields": ", ".join(twice)}
        )
    return overrides


def canonical_headers(kind: str) -> list[str]:
    return [f.header for f in FIELDS[kind] if f.exported]


# How sure a column's meaning is: our own header, a known wording, a part of the
# title, or the user's choice.
EXACT, SYNONYM, PARTIAL, CHOSEN = "exact", "synonym", "partial", "chosen"
CONFIDENCE_NAMES = {
    EXACT: _("our own header"),
    SYNONYM: _("a known wording"),
    PARTIAL: _("part of the title: check it"),
    CHOSEN: _("your choice"),
}


@dataclass(frozen=True)
class Match:
    """What a column's title says about one field."""

    key: str
    score: float  # 1 for a known wording; less when the title only contains one
    confidence: str  # EXACT (our own header), SYNONYM (a known wording) or PARTIAL
    qualified: bool = False  # the title says more ("(Việt)", beside "Quan hệ")

    def rank(self, column: int) -> tuple:
        """Unqualified before qualified, whole wordings before parts, then leftmost."""
        return (not self.qualified, self.confidence != PARTIAL, self.score, -column)


@dataclass(frozen=True)
class Doubt:
    """A column decision the engine is not sure of: the preview asks about it."""

    key: str
    chosen: int  # the column taken for ``key``
    others: tuple[int, ...] = ()  # columns that look like ``key`` too, left out
    partial: bool = False  # only part of the chosen column's title names the field
    qualified: bool = False  # the chosen column's title says more than the field


@dataclass
class Header:
    """Where the table starts and what each column means."""

    first_row: int  # 0-based index of the (first) header row
    data_start: int  # 0-based index of the first data row
    labels: list[str]
    mapping: dict[int, str] = field(default_factory=dict)  # column → field key
    scores: dict[int, float] = field(default_factory=dict)
    confidence: dict[int, str] = field(default_factory=dict)  # column → EXACT, …
    doubts: list[Doubt] = field(default_factory=list)

    @property
    def mapped_keys(self) -> set[str]:
        return set(self.mapping.values())


_INDEXES: dict[int, list[tuple[tuple[str, ...], str, bool]]] = {}


def _synonym_index(fields: list[Field]) -> list[tuple[tuple[str, ...], str, bool]]:
    """Every wording of every field, folded into words (and whether it is the field's
    own header); built once per field list."""
    index = _INDEXES.get(id(fields))
    if index is None:
        index = [
            (tuple(fold(synonym).split()), f.key, synonym == f.header)
            for f in fields
            for synonym in f.synonyms
        ]
        _INDEXES[id(fields)] = index
    return index


# A header is matched on its title: hints in brackets ("(*)", "(dd/mm/yyyy)", "(Hoa)")
# and a list of the genders ("Nam/Nữ") are taken out first. The words are compared
# folded, except where the marks tell words apart: "Nam" (male) is not "Năm" (year).
_HINTS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_GENDER_LIST = re.compile(r"\b(?:nam|nữ)\s*(?:/|,|;|-|hoặc|hay)\s*(?:nam|nữ)\b")
_WORDS = re.compile(r"\w+")
_NAME_KEYS = frozenset({"full_name", "family_part", "given_part"})
_MALE_KEYS = frozenset({"male_mark", "birth_male"})
_FEMALE_KEYS = frozenset({"female_mark", "birth_female"})
_PERSON_KEYS = _NAME_KEYS | _MALE_KEYS | _FEMALE_KEYS | {
    "birth_date", "gender", "cccd", "phone", "email", "ethnicity", "religion",
    "education", "job", "address",
}  # fmt: skip
# Words that make a column about someone or something else than the member's own
# field, whatever else its title says (docs/domain.md, "Column titles").
_OTHER_SUBJECTS = [
    # A relative: welfare lists name the member's family next to them.
    (_PERSON_KEYS, ("cha", "mẹ", "bố", "vợ", "chồng", "con", "người thân",
                    "thân nhân", "chủ hộ", "người giám hộ", "người nhà")),
    # The same name in another language or script.
    (_NAME_KEYS, ("hoa", "hán", "chữ hán", "tiếng hoa", "tiếng trung", "trung quốc",
                  "tiếng anh", "english", "chinese", "pinyin")),
    # Health or social insurance, a bank card.
    (frozenset({"card_number", "cccd"}), ("bhyt", "bhxh", "bảo hiểm", "y tế")),
    (frozenset({"card_number"}), ("atm", "ngân hàng", "tài khoản")),
    # The Party, the Youth Union or another mass organisation, not the trade union.
    (frozenset({"card_number", "joined_on", "job"}),
     ("đảng", "thanh niên", "tncs", "đtn", "đoàn thể", "hội")),
    # A position in the union is not the job.
    (frozenset({"job"}), ("công đoàn", "cđ", "cđcs", "kiêm nhiệm")),
]  # fmt: skip
_YOUTH_UNION_KEYS = frozenset({"card_number", "joined_on", "job"})
_VIETNAMESE = ("việt", "tiếng việt")  # a name qualified as the Vietnamese one
_RELATION = ("quan he", "moi quan he")  # "Quan hệ": the relative's columns stand by it


@dataclass(frozen=True)
class _Label:
    title: tuple[str, ...]  # folded words, hints taken out
    words: tuple[str, ...]  # every word in lower case with its marks, hints included
    lists_genders: bool  # "Nam/Nữ": the column holds a gender, not one tick


def _read_label(label: str) -> _Label:
    text = " ".join(label.replace("\x1f", " ").split()).lower()
    lists_genders = bool(_GENDER_LIST.search(text))
    title = _GENDER_LIST.sub(" ", _HINTS.sub(" ", text)).strip(" ,;:-/")
    if lists_genders and not title:
        title = "giới tính"
    return _Label(
        tuple(fold(title).split()), tuple(_WORDS.findall(text)), lists_genders
    )


def _says(words: tuple[str, ...], phrase: str) -> bool:
    """Whether ``phrase`` stands in ``words``; a title written without marks is
    compared without them."""
    part = tuple(phrase.split())
    if words and all(word.isascii() for word in words):
        part = tuple(fold(phrase).split())
    return _contains(words, part)


def _youth_union(words: tuple[str, ...]) -> bool:
    """ "Đoàn" alone is the Youth Union; "đoàn viên" and "công đoàn" are ours."""
    return any(
        word in ("đoàn", "doan")
        and words[i + 1 : i + 2] not in (("viên",), ("vien",))
        and words[i - 1 : i] not in (("công",), ("cong",))
        for i, word in enumerate(words)
    )


def _excluded(key: str, label: _Label) -> bool:
    """Whether the title rules the field out, whatever wording it contains."""
    words = label.words
    if key in _MALE_KEYS or key in _FEMALE_KEYS:
        mark = "nam" if key in _MALE_KEYS else "nữ"
        return label.lists_genders or not _says(words, mark)
    if key in _YOUTH_UNION_KEYS and _youth_union(words):
        return True
    return any(
        key in keys and any(_says(words, phrase) for phrase in phrases)
        for keys, phrases in _OTHER_SUBJECTS
    )


def match_label(label: str, fields: list[Field]) -> dict[str, Match]:
    """What ``label`` may mean, by field: a known wording scores 1, a title that merely
    contains one less ("Số CCCD của đoàn viên" still says "Số CCCD"). Titles that
    name another subject ("Số thẻ BHYT", "Họ tên (Hoa)") do not match those fields."""
    read = _read_label(label)
    tokens = read.title
    matches: dict[str, Match] = {}
    if not tokens:
        return matches
    for synonym, key, own in _synonym_index(fields):
        if not synonym:
            continue
        if synonym == tokens:
            score, confidence = 1.0, EXACT if own else SYNONYM
        elif _contains(tokens, synonym):
            score, confidence = 0.9 * len(synonym) / len(tokens), PARTIAL
        else:
            continue
        known = matches.get(key)
        if known is not None and known.score >= score:
            continue
        if _excluded(key, read):
            continue
        qualified = key in _NAME_KEYS and any(_says(read.words, v) for v in _VIETNAMESE)
        matches[key] = Match(key, score, confidence, qualified)
    return matches


def score_label(label: str, fields: list[Field]) -> dict[str, float]:
    """How well ``label`` names each field (``match_label``'s scores)."""
    return {key: m.score for key, m in match_label(label, fields).items()}


def _contains(tokens: tuple[str, ...], part: tuple[str, ...]) -> bool:
    size = len(part)
    return any(tokens[i : i + size] == part for i in range(len(tokens) - size + 1))


def _beside_relation(labels: list[str], fields: list[Field]) -> set[int]:
    """The columns next to a "Quan hệ" column: a relative's name, birth year, …;
    on its right, every column of a person's field up to the first that is not
    ("Quan hệ | HỌ TÊN | Năm sinh | Lý do": the relative's name and birth year)."""
    relation = {
        column
        for column, label in enumerate(labels)
        if fold(label).startswith(_RELATION)
    }
    beside = {column - 1 for column in relation}
    for column in relation:
        after = column + 1
        beside.add(after)
        while (
            after + 1 < len(labels)
            and _PERSON_KEYS & match_label(labels[after + 1], fields).keys()
        ):
            after += 1
            beside.add(after)
    return beside - relation


def assign(labels: list[str], fields: list[Field]) -> Header:
    """Each field to at most one column: unqualified before qualified, whole wordings
    before parts, then the leftmost column. Every choice the engine was not sure of
    (several columns for one field, a part of a title, a qualified title) is a Doubt."""
    beside_relation = _beside_relation(labels, fields)
    candidates = []
    for column, label in enumerate(labels):
        for key, match in match_label(label, fields).items():
            if match.score < MIN_MATCH:
                continue
            if column in beside_relation and key in _PERSON_KEYS:
                match = replace(match, qualified=True)
            candidates.append((match.rank(column), column, match))
    candidates.sort(key=itemgetter(0), reverse=True)
    best = {}
    for rank, column, _match in candidates:
        best.setdefault(column, rank)
    header = Header(0, 0, labels)
    chosen: dict[str, tuple[int, Match]] = {}
    for rank, column, match in candidates:
        if match.confidence == PARTIAL and rank != best[column]:
            # "HỌ TÊN" whose full name was taken by another column is not the
            # "Họ" of a split name: a column falls back on whole wordings only.
            continue
        if column not in header.mapping and match.key not in chosen:
            header.mapping[column] = match.key
            header.scores[column] = match.score
            header.confidence[column] = match.confidence
            chosen[match.key] = (column, match)
    for key, (column, match) in chosen.items():
        others = tuple(
            other
            for _rank, other, m in candidates
            if m.key == key and other != column and other not in header.mapping
        )
        partial = match.confidence == PARTIAL
        if others or partial or match.qualified:
            header.doubts.append(Doubt(key, column, others, partial, match.qualified))
    return header


def doubt_messages(
    header: Header, fields: list[Field], *, leave_out: set[int] = frozenset()
) -> list[tuple[int, str]]:
    """(column, message) for each of the header's doubts, in the user's language;
    none about the columns in ``leave_out`` (the user chose for them)."""
    names = {f.key: str(f.verbose_name) for f in fields}
    found = []
    for doubt in header.doubts:
        if leave_out & {doubt.chosen, *doubt.others}:
            continue
        said = {"column": header.labels[doubt.chosen], "field": names[doubt.key]}
        if doubt.others:
            columns = [doubt.chosen, *doubt.others]
            message = _(
                "Columns %(columns)s all look like “%(field)s”: “%(column)s” was "
                "taken and the others are left out."
            ) % (
                said | {"columns": ", ".join(f"“{header.labels[c]}”" for c in columns)}
            )
        elif doubt.partial:
            message = (
                _(
                    "Column “%(column)s” was taken as “%(field)s” from a part of its title."
                )
                % said
            )
        else:
            message = (
                _(
                    "Column “%(column)s” was taken as “%(field)s”, though its title says "
                    "more than that."
                )
                % said
            )
        found.append((doubt.chosen, f"{message} {CHANGE_IT}"))
    return found


CHANGE_IT = _("If that is wrong, choose the right meaning in the column list.")


def _as_label(value) -> str:
    """A header cell as one line of NFC text (Windows-1258 and NFD files decompose
    their letters, and the title rules compare words with their marks)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean(str(value))


def _is_header_like(row: list) -> bool:
    """Text only: no dates or long numbers, as a second header row would be."""
    cells = [cell for cell in row if cell not in ("", None)]
    return bool(cells) and all(isinstance(cell, str) for cell in cells)


def _combined_labels(upper: list, lower: list) -> list[str]:
    width = max(len(upper), len(lower))
    upper_labels = [_as_label(upper[i]) if i < len(upper) else "" for i in range(width)]
    lower_labels = [_as_label(lower[i]) if i < len(lower) else "" for i in range(width)]
    labels = []
    for i in range(width):
        top = upper_labels[i]
        if not top and lower_labels[i] and i and lower_labels[i - 1]:
            top = labels[i - 1].split("\x1f")[0]  # a merged group the reader left blank
            upper_labels[i] = top
        bottom = lower_labels[i]
        if bottom and bottom != top:
            labels.append(f"{top}\x1f{bottom}" if top else bottom)
        else:
            labels.append(top)
    return labels


def is_column_numbers(row: list) -> bool:
    """A row like "1 | 2 | 3" or "(A) | (B)" under a header, numbering the columns."""
    cells = [_as_label(cell).strip("()") for cell in row if cell not in ("", None)]
    if len(cells) < 3:
        return False
    if all(cell.isdigit() for cell in cells):
        numbers = [int(cell) for cell in cells]
        return numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    return all(len(cell) == 1 and cell.isalpha() and cell.isupper() for cell in cells)


def _score(mapping: dict[int, str], scores: dict, fields: list[Field]) -> float:
    required = {f.key for f in fields if f.required}
    keys = set(mapping.values())
    return sum(scores.values()) + 2 * len(required & keys)


def find_header(rows: list[list], fields: list[Field]) -> Header | None:
    """The best-matching header among the first rows, or None if nothing looks like one."""
    best: Header | None = None
    best_score = 0.0
    for index, row in enumerate(rows):
        if not any(cell not in ("", None) for cell in row):
            continue
        options = [([_as_label(cell) for cell in row], index + 1)]
        if index + 1 < len(rows) and _is_header_like(rows[index + 1]):
            options.append((_combined_labels(row, rows[index + 1]), index + 2))
        for labels, data_start in options:
            header = assign(labels, fields)
            score = _score(header.mapping, header.scores, fields)
            if len(header.mapping) >= 2 and score > best_score:
                best_score = score
                header.labels = [label.replace("\x1f", " ") for label in labels]
                header.first_row, header.data_start = index, data_start
                best = header
    if best is None:
        return None
    if best.data_start < len(rows) and is_column_numbers(rows[best.data_start]):
        best.data_start += 1
    return best


def missing_required(header: Header, fields: list[Field]) -> list[Field]:
    keys = header.mapped_keys
    if "family_part" in keys and "given_part" in keys:
        keys = keys | {"full_name"}
    return [f for f in fields if f.required and f.key not in keys]
