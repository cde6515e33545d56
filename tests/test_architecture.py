"""The layers of DESIGN.md, enforced: imports point down only.

marketplace -> listings -> verification; marketplace -> payouts. The kernel modules
``marketplace.conf`` and ``marketplace.money`` import no app, so every app may use them.
No app imports the standalone site shell (``facemarket_site``).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ("marketplace", "listings", "verification", "payouts")
KERNEL = {"marketplace.conf", "marketplace.money", "marketplace.tasking"}
ALLOWED = {
    "verification": {"verification"},
    "payouts": {"payouts"},
    "listings": {"listings", "verification"},
    "marketplace": {"marketplace", "listings", "verification", "payouts"},
}


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


def app_files(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


@pytest.mark.parametrize("app", APPS)
def test_imports_point_down_only(app):
    offences = []
    for path in app_files(app):
        rel = path.relative_to(ROOT)
        for module in imported_modules(path):
            top = module.split(".")[0]
            if top == "facemarket_site":
                offences.append(f"{rel}: imports the site shell {module}")
            if top not in APPS:
                continue
            if top not in ALLOWED[app] and not any(module.startswith(k) for k in KERNEL):
                offences.append(f"{rel}: {app} must not import {module}")
    assert not offences, "\n".join(offences)


@pytest.mark.parametrize("module", sorted(KERNEL))
def test_kernel_imports_no_app(module):
    path = ROOT / (module.replace(".", "/") + ".py")
    apps = {m for m in imported_modules(path) if m.split(".")[0] in APPS}
    assert not apps, f"{module} imports {apps}"
