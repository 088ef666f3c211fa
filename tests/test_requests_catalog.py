"""Every text key the request loop uses (also those passed through `tell`, dicts and intros) exists
in both languages; audit action names are not texts."""

import ast
import re
from pathlib import Path

from bot.i18n import LANGUAGES, catalogs

ROOT = Path(__file__).resolve().parent.parent
FILES = (
    sorted((ROOT / "bot/services/requests").glob("*.py"))
    + sorted((ROOT / "bot/views/requests").glob("*.py"))
    + [
        ROOT / p
        for p in (
            "handlers/requests.py",
            "handlers/request_steps.py",
            "handlers/tasks.py",
            "handlers/board.py",
            "handlers/my_requests.py",
            "handlers/relay.py",
        )
    ]
)
PREFIXES = {"request.error.date"}  # matched with startswith, not a text
SHAPE = re.compile(r"^(request|task|board|rating|relay|error)\.[a-z0-9_]+(\.[a-z0-9_]+)*$")


def _keys() -> tuple[set[str], set[str]]:
    literals, actions = set(), set()
    for path in FILES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "record" and len(node.args) > 2:
                if isinstance(node.args[2], ast.Constant):
                    actions.add(node.args[2].value)
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "_end" and len(node.args) > 5:
                actions.add(node.args[5].value)  # _end(core, s, leader, req, status, action, resident_key)
            if (
                isinstance(node, ast.Tuple)
                and len(node.elts) == 5  # an entry for audit.record_many
                and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts[1:3])
            ):
                actions.add(node.elts[1].value)  # (actor_id, action, entity, entity_id, detail)
            if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "action":
                actions |= {c.value for c in ast.walk(node.value) if isinstance(c, ast.Constant)}
            if isinstance(node, ast.keyword) and node.arg == "audit_action":  # claims.take_slot(..., audit_action=...)
                actions |= {c.value for c in ast.walk(node.value) if isinstance(c, ast.Constant)}
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SHAPE.match(node.value):
                literals.add(node.value)
    return literals - actions - PREFIXES, actions


def test_every_text_key_of_the_request_loop_exists_in_every_language():
    keys, _ = _keys()
    assert len(keys) > 200
    for lang in LANGUAGES:
        missing = sorted(keys - catalogs().keys(lang))
        assert not missing, f"{lang}: {missing}"


def test_audit_actions_are_named_like_the_domain():
    _, actions = _keys()
    assert {
        "request.create",
        "task.claim",
        "task.dispatch",
        "task.release",
        "task.done",
        "request.confirm",
        "request.close",
        "request.out_of_scope",
        "request.duplicate",
        "request.escalate",
        "task.reassign",
        "request.cancel",
        "request.reopen",
        "request.rate",
    } <= actions
