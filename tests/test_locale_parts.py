"""The per-branch translation files (locale/parts/*.po) that the lead folds into the catalogues: a fuzzy entry
is dropped by msgfmt, so its page shows English on a Spanish or Portuguese page (the stipend pages did)."""
from pathlib import Path

import polib
import pytest

PARTS = sorted((Path(__file__).resolve().parent.parent / "locale" / "parts").glob("*.po"))


@pytest.mark.parametrize("path", PARTS, ids=[p.name for p in PARTS])
def test_no_part_has_a_fuzzy_or_empty_translation(path):
    catalogue = polib.pofile(str(path))
    assert not [e.msgid for e in catalogue.fuzzy_entries()], f"{path.name}: fuzzy entries are not compiled"
    assert not [e.msgid for e in catalogue.untranslated_entries() if not e.obsolete], f"{path.name}: untranslated"
