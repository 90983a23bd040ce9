"""Dependencies point one way (DESIGN.md, "Layout"): config → feature apps → assembly.
The base imports no feature app (a feature reacts to the base by registering at startup),
and no app imports config. Read from the source, imports inside functions included."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FEATURES = {"groups", "decisions", "meetings", "response", "trainings"}


def imports(app):
    """{(file, line): module} for every import in the app's code (migrations aside)."""
    found = {}
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found[(str(path.relative_to(ROOT)), node.lineno)] = name
    return found


def test_every_feature_app_is_installed_and_checked():
    from django.conf import settings

    local = {app for app in settings.INSTALLED_APPS if (ROOT / app).is_dir()}
    assert local == FEATURES | {"assembly"}


def test_the_base_imports_no_feature_app():
    upward = {
        where: module
        for where, module in imports("assembly").items()
        if module.split(".")[0] in FEATURES
    }
    assert upward == {}


def test_no_app_imports_the_configuration():
    for app in FEATURES | {"assembly"}:
        reaching = {w: m for w, m in imports(app).items() if m.split(".")[0] == "config"}
        assert reaching == {}, app


def test_meetings_sit_above_decisions_and_groups():
    """meetings → decisions → groups → assembly: nothing below meetings imports it."""
    for app in FEATURES - {"meetings"}:
        reaching = {w: m for w, m in imports(app).items() if m.split(".")[0] == "meetings"}
        assert reaching == {}, app
