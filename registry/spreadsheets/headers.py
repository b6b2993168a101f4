"""Find the header of a table under its title rows and say which column holds what.

Matching is lenient: case, spacing, diacritics and punctuation are folded away, and each
field knows the words people use for it. Two-row headers ("Ngày, tháng, năm sinh" over
"Nam" | "Nữ") are read as one label per column. Nothing here touches the ORM.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from registry.text import fold

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

FIELDS = {
    "members": MEMBER_FIELDS,
    "units": UNIT_FIELDS,
    "enterprises": EMPLOYER_FIELDS,
    "agreements": AGREEMENT_FIELDS,
}


def canonical_headers(kind: str) -> list[str]:
    return [f.header for f in FIELDS[kind] if f.exported]


@dataclass
class Header:
    """Where the table starts and what each column means."""

    first_row: int  # 0-based index of the (first) header row
    data_start: int  # 0-based index of the first data row
    labels: list[str]
    mapping: dict[int, str] = field(default_factory=dict)  # column → field key
    scores: dict[int, float] = field(default_factory=dict)

    @property
    def mapped_keys(self) -> set[str]:
        return set(self.mapping.values())


_INDEXES: dict[int, list[tuple[tuple[str, ...], str]]] = {}


def _synonym_index(fields: list[Field]) -> list[tuple[tuple[str, ...], str]]:
    """Every wording of every field, folded into words; built once per field list."""
    index = _INDEXES.get(id(fields))
    if index is None:
        index = [
            (tuple(fold(synonym).split()), f.key)
            for f in fields
            for synonym in f.synonyms
        ]
        _INDEXES[id(fields)] = index
    return index


def score_label(label: str, fields: list[Field]) -> dict[str, float]:
    """How well ``label`` names each field: 1 for a known wording, less for a label
    that merely contains one ("Họ và tên (*)" still says "Họ và tên")."""
    tokens = tuple(fold(label).split())
    scores: dict[str, float] = {}
    if not tokens:
        return scores
    for synonym, key in _synonym_index(fields):
        if not synonym:
            continue
        if synonym == tokens:
            score = 1.0
        elif _contains(tokens, synonym):
            score = 0.9 * len(synonym) / len(tokens)
        else:
            continue
        scores[key] = max(scores.get(key, 0.0), score)
    return scores


def _contains(tokens: tuple[str, ...], part: tuple[str, ...]) -> bool:
    size = len(part)
    return any(tokens[i : i + size] == part for i in range(len(tokens) - size + 1))


def assign(labels: list[str], fields: list[Field]) -> tuple[dict[int, str], dict]:
    """Each field to at most one column, best matches first."""
    candidates = sorted(
        (
            (score, column, key)
            for column, label in enumerate(labels)
            for key, score in score_label(label, fields).items()
            if score >= MIN_MATCH
        ),
        reverse=True,
    )
    mapping: dict[int, str] = {}
    scores: dict[int, float] = {}
    for score, column, key in candidates:
        if column not in mapping and key not in mapping.values():
            mapping[column] = key
            scores[column] = score
    return mapping, scores


def _as_label(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


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
            readable = [label.replace("\x1f", " ") for label in labels]
            mapping, scores = assign(readable, fields)
            score = _score(mapping, scores, fields)
            if len(mapping) >= 2 and score > best_score:
                best_score = score
                best = Header(index, data_start, readable, mapping, scores)
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
