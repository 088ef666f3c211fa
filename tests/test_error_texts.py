"""Every refusal says what to do next: a command, a button, whom to ask (in both languages)."""

from __future__ import annotations

import ast
import re

import pytest

from bot.i18n import catalogs
from tests.test_guards import ERROR_NAMES, KEY_SHAPE, SOURCES

# the next step, as each language says it
NEXT = {
    "en": re.compile(
        r"/[a-z]|\b(please|ask|choose|send|try|tell|press|use|give|type|write|wait|finish|cancel|come back|swap|"
        r"correct|leave out|keep|talk|add|remove|rename|save|look|fix|import|approve|create|reload|open|put)\b",
        re.I,
    ),
    "zh-CN": re.compile(r"/[a-z]|请|联系|发送|选择|改为|重新|再试|稍后|点|告诉|先|用|写|输入|填写|换"),
}
# refusals that only state a fact with nothing left to do (it is done already, or someone else will)
NOTHING_TO_DO = {
    "dash.error.bad_filter",  # the page shows everything instead
    "emergency.error.ended",
    "places.already_admin",
    "places.already_leader",
    "points.error.bad_board",
    "rating.error.already_commented",
    "rating.error.already_rated",
    "rating.error.no_rating",
    "rating.error.too_early",
    "request.stale.closed",
    "request.stale.completed",
    "request.stale.done_reported",
    "task.error.other_grid",
    "task.error.taken",
    "volunteers.not_yourself",
    "volunteers.you_are_pending",
}


def _refusal_keys() -> set[str]:
    keys = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                arg = node.args[0] if node.args else None
                if ERROR_NAMES.search(name or "") or name == "StillNeeded":
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and KEY_SHAPE.match(arg.value):
                        keys.add(arg.value)
    return keys & catalogs().keys("en")


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_every_refusal_says_what_to_do_next(lang):
    cats = catalogs()
    keys = _refusal_keys()
    assert len(keys) > 100
    silent = []
    for key in sorted(keys - NOTHING_TO_DO):
        text = cats.messages[lang].get(key) or cats.plurals[lang][key][-1]
        if not NEXT[lang].search(text):
            silent.append(f"{key}: {text}")
    assert not silent, "refusals that leave the reader stuck:\n" + "\n".join(silent)
