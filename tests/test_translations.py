"""English and Spanish stay complete: the Spanish catalogue has no untranslated or fuzzy
entry, its placeholders match, and it is up to date with the source."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]")


def test_spanish_catalogue_is_complete():
    po = polib.pofile(str(CATALOGUE))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == [], f"untranslated: {untranslated}"
    assert fuzzy == [], f"fuzzy: {fuzzy}"


def test_placeholders_survive_translation():
    po = polib.pofile(str(CATALOGUE))
    for entry in po.translated_entries():
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        if entry.msgid_plural:
            for form in entry.msgstr_plural.values():
                assert sorted(PLACEHOLDER.findall(form)) in (
                    expected,
                    sorted(PLACEHOLDER.findall(entry.msgid_plural)),
                ), entry.msgid
        else:
            assert sorted(PLACEHOLDER.findall(entry.msgstr)) == expected, entry.msgid


def test_catalogue_is_up_to_date_with_the_source(tmp_path):
    """Every translatable string in the code is in the catalogue (needs GNU gettext,
    which .ci/run installs; set ASAMBLEA_REQUIRE_GETTEXT=1 to make its absence fail)."""
    if shutil.which("xgettext") is None:
        if os.environ.get("ASAMBLEA_REQUIRE_GETTEXT"):
            pytest.fail("xgettext (GNU gettext) is required here")
        pytest.skip("GNU gettext is not installed; .ci/run installs it and runs this check")
    work = tmp_path / "tree"
    shutil.copytree(
        ROOT,
        work,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "staticfiles", "node_modules", "*.sqlite3", "__pycache__"
        ),
    )
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "es",
            "--no-obsolete",
            "--ignore=.venv",
            "--ignore=staticfiles",
            "--ignore=tests",
            "--ignore=bench",
        ],
        cwd=work,
        check=True,
        capture_output=True,
    )
    fresh = polib.pofile(str(work / "locale" / "es" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in fresh.untranslated_entries() + fresh.fuzzy_entries()]
    assert missing == [], f"run `make messages` and translate: {missing}"


def test_translation_functions_keep_names_xgettext_knows():
    """`gettext_lazy as _lazy` hides strings from makemessages: only `_` is allowed."""
    known = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext",
             "pgettext_lazy", "gettext_noop"}  # fmt: skip
    pattern = re.compile(r"from django\.utils\.translation import (\w+) as (\w+)")
    bad = []
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts:
            continue
        for original, alias in pattern.findall(path.read_text()):
            if alias not in known:
                bad.append(f"{path.relative_to(ROOT)}: {original} as {alias}")
    assert bad == []
