"""The Vietnamese catalogues translate every string, and the compiled files are current."""

import ast
from pathlib import Path

import polib
import pytest
from django.conf import settings

CATALOGUES = sorted(
    Path(settings.BASE_DIR).glob("*/locale/vi/LC_MESSAGES/django.po")
) + [Path(settings.BASE_DIR) / "locale/vi/LC_MESSAGES/django.po"]


@pytest.mark.parametrize(
    "po_path", CATALOGUES, ids=lambda p: p.relative_to(settings.BASE_DIR).parts[0]
)
def test_every_string_has_a_vietnamese_translation(po_path):
    catalogue = polib.pofile(str(po_path))

    missing = [e.msgid for e in catalogue if not e.obsolete and not e.translated()]

    assert missing == []


@pytest.mark.parametrize(
    "po_path", CATALOGUES, ids=lambda p: p.relative_to(settings.BASE_DIR).parts[0]
)
def test_the_compiled_catalogue_matches_its_source(po_path):
    source = {
        e.msgid: e.msgstr or e.msgstr_plural
        for e in polib.pofile(str(po_path))
        if e.translated() and e.msgid
    }
    compiled = {
        e.msgid: e.msgstr or e.msgstr_plural
        for e in polib.mofile(str(po_path.with_suffix(".mo")))
        if e.msgid
    }

    assert compiled == source


# The calls makemessages reads (pgettext's first argument is a context, not a msgid).
GETTEXT_CALLS = {
    "_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"
}  # fmt: skip


def code_msgids(catalogue: Path) -> set[str]:
    """The msgids of the Python code whose catalogue is ``catalogue``: the files
    under its app (the nearest folder with a locale/), as makemessages files them."""
    base = Path(settings.BASE_DIR)
    root = catalogue.parents[3]
    msgids = set()
    for path in root.rglob("*.py"):
        parts = path.relative_to(base).parts
        if parts[0] in {"tests", "bench"} or "migrations" in parts:
            continue
        owner = next(p for p in path.parents if (p / "locale").is_dir())
        if owner != root:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            first = node.args[0]
            if name in GETTEXT_CALLS and isinstance(first, ast.Constant):
                msgids.add(first.value)
    return msgids


@pytest.mark.parametrize(
    "po_path", CATALOGUES, ids=lambda p: p.relative_to(settings.BASE_DIR).parts[0]
)
def test_every_string_of_the_code_is_in_its_catalogue(po_path):
    known = {e.msgid for e in polib.pofile(str(po_path)) if not e.obsolete}

    missing = code_msgids(po_path) - known

    assert sorted(missing) == []
