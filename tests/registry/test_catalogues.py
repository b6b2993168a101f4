"""The Vietnamese catalogues translate every string, and the compiled files are current."""

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
