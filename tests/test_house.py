"""The house keeps its shape: small modules, few and explained type ignores, packages that name
their public API, registration by name. (The layer rules are import-linter contracts, run by the
README's check command.)"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = [
    p
    for d in ("bot", "handlers", "storage", "sandbox", "bench")
    for p in (ROOT / d).rglob("*.py")
    if "migrations" not in p.parts
]
EVERYWHERE = CODE + [p for p in (ROOT / "tests").rglob("*.py") if p.name != "test_house.py"]  # (this file names them)
MAX_LINES = 300
MAX_IGNORES = 30
# the kernel is a toolbox of small modules (text, phones, ids, periods...), each imported by name
FEATURES = ["requests", "people", "places", "visits", "points", "events", "emergency", "digests", "office", "exchange"]


def test_no_module_is_over_300_lines():
    long = {str(p.relative_to(ROOT)): n for p in CODE if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, f"split these by idea (one idea a module): {long}"


def test_type_ignores_are_few_and_each_says_which_error_and_why():
    found = [
        (p, i, line)
        for p in EVERYWHERE
        for i, line in enumerate(p.read_text().splitlines(), 1)
        if "type: ignore" in line and not line.lstrip().startswith(("#", '"', "'"))
    ]
    assert len(found) <= MAX_IGNORES, f"{len(found)} type: ignore comments (at most {MAX_IGNORES})"
    vague = [
        f"{p.relative_to(ROOT)}:{i}"
        for p, i, line in found
        if not re.search(r"type: ignore\[[a-z-]+(,[a-z-]+)*\]\s+#\s*\S", line)
    ]
    assert not vague, f"each ignore names its error code and gives a reason after it: {vague}"


def test_every_feature_package_names_its_public_api():
    for name in FEATURES:
        init = ROOT / "bot" / "services" / name / "__init__.py"
        tree = ast.parse(init.read_text())
        names = [
            t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets if isinstance(t, ast.Name)
        ]
        assert "__all__" in names, f"bot/services/{name}/__init__.py has no __all__"


def test_features_use_each_other_only_through_their_packages():
    """bot.services.<a>.<module> is imported from inside <a> only; everyone else imports bot.services.<a>."""
    offenders = []
    for p in CODE:
        if "bench" in p.parts:  # benchmarks time the modules themselves
            continue
        rel = p.relative_to(ROOT).parts
        home = rel[2] if rel[:2] == ("bot", "services") and len(rel) > 3 else None
        for node in ast.walk(ast.parse(p.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                parts = node.module.split(".")
                if parts[:2] == ["bot", "services"] and len(parts) > 3 and parts[2] != "kernel" and parts[2] != home:
                    offenders.append(f"{'/'.join(rel)}: {node.module}")
    assert not offenders, "import the feature's package instead:\n" + "\n".join(offenders)


def test_nothing_is_registered_through_importlib_over_strings():
    users = [
        str(p.relative_to(ROOT))
        for p in CODE
        if "bench" not in p.parts and re.search(r"\bimport_module\(|\b__import__\(", p.read_text())
    ]
    assert not users, f"import by name, in one visible list: {users}"
