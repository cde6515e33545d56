"""The layers of DESIGN.md, enforced: imports, and strings that name code, point down only.

kernel <- verification <- listings <- marketplace; kernel <- payouts <- marketplace. The kernel
imports no app; no app imports the standalone site shell. A lower app may not name an upper app in a
string either (a dotted path, a URL name, a permission codename), so nothing reaches up at run time.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
KERNEL = "kernel"
APPS = ("marketplace", "listings", "verification", "payouts")
SITE_PACKAGES = ("facemarket_site",)
ALLOWED = {
    "verification": {"verification"},
    "payouts": {"payouts"},
    "listings": {"listings", "verification"},
    "marketplace": {"marketplace", "listings", "verification", "payouts"},
}
#: the app labels of each app: a string naming ``fm_marketplace.something`` names the app too
LABELS = {"marketplace": "fm_marketplace", "listings": "fm_listings", "verification": "fm_verification"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                if path.name != "__init__.py":
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def string_constants(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def package_files(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def names_app(text: str, app: str) -> bool:
    """A dotted path, URL name or permission of ``app`` in ``text`` (``marketplace.x``, ``marketplace:x``,
    ``fm_marketplace.x``, ``{% url 'marketplace:x' %}``); prose that merely uses the word does not count."""
    pattern = rf"(?<![\w.]){re.escape(app)}[.:]\w|(?<![\w.]){LABELS.get(app, app + '_label')}\.\w"
    return re.search(pattern, text) is not None


@pytest.mark.parametrize("app", APPS)
def test_imports_point_down_only(app):
    offences = []
    for path in package_files(app):
        rel = path.relative_to(ROOT)
        in_site = ".".join(rel.with_suffix("").parts).startswith(SITE_PACKAGES)
        for module in imported_modules(path):
            top = module.split(".")[0]
            if module.startswith(SITE_PACKAGES) and not in_site:
                offences.append(f"{rel}: imports the site shell {module}")
            elif top in APPS and top not in ALLOWED[app]:
                offences.append(f"{rel}: {app} must not import {module}")
    assert not offences, "\n".join(offences)


@pytest.mark.parametrize("app", [a for a in APPS if a != "marketplace"])
def test_lower_apps_name_no_upper_app_in_strings_or_templates(app):
    upper = [a for a in APPS if a not in ALLOWED[app]]
    offences = []
    for path in package_files(app):
        for text in string_constants(path):
            offences += [f"{path.relative_to(ROOT)}: {text!r}" for a in upper if names_app(text, a)]
    for path in sorted((ROOT / app).rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        offences += [f"{path.relative_to(ROOT)} names {a}" for a in upper if names_app(text, a)]
    assert not offences, "\n".join(offences)


def test_kernel_imports_no_app():
    offences = []
    for path in package_files(KERNEL):
        apps = {m for m in imported_modules(path) if m.split(".")[0] in APPS}
        names = [t for t in string_constants(path) for a in APPS if names_app(t, a)]
        if apps or names:
            offences.append(f"{path.relative_to(ROOT)}: {sorted(apps)} {names}")
    assert not offences, "\n".join(offences)


def test_one_transition_engine():
    """Every state machine moves through ``kernel.transitions.transition``: no other conditional-UPDATE
    engine (a function named ``transition``) lives anywhere in the plugin."""
    definitions = []
    for package in (KERNEL, *APPS):
        for path in package_files(package):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            definitions += [
                f"{path.relative_to(ROOT)}:{node.lineno}"
                for node in ast.walk(tree)
                if isinstance(node, ast.FunctionDef) and node.name == "transition"
            ]
    assert definitions == ["kernel/transitions.py:" + definitions[0].split(":")[1]] and len(definitions) == 1


def test_row_locks_let_foreign_key_checks_through():
    """Every row lock is FOR NO KEY UPDATE: a plain FOR UPDATE blocks the FOR KEY SHARE that PostgreSQL's
    commit-time foreign-key checks take, and two such commits deadlocked on each other (payouts/locks.py)."""
    plain = []
    for package in ("kernel", *APPS):
        for path in (ROOT / package).rglob("*.py"):
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if "select_for_update(" in line and "no_key=True" not in line:
                    plain.append(f"{path.relative_to(ROOT)}:{number}")
    assert plain == []
