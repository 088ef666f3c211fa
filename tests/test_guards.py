"""Guards on the code base: catalogs complete and used, the core free of Telegram, migrations current."""

import ast
import re
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from bot.i18n import _DIRS, LANGUAGES, LOCALES_DIR, catalogs
from storage import migrate
from storage.db import Database

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [p for d in ("bot", "handlers", "storage") for p in (ROOT / d).rglob("*.py")]
KEY_FUNCS = {"t", "tp", "tn", "tnp", "text", "plain"}
KEY_SHAPE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
ERROR_NAMES = re.compile(r"(Error|NotAllowed|NotFound|AlreadyTaken|InvalidInput|Conflict)$")


def _literals() -> tuple[set[str], set[str], list[tuple[str, str]]]:
    """(all string literals, f-string constant prefixes, (file, key) pairs used as catalog keys)."""
    literals, prefixes, used = set(), set(), []
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                prefixes.add(str(node.values[0].value))
            if isinstance(node, ast.Call):
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                if name in KEY_FUNCS and len(node.args) >= 2:
                    arg = node.args[1]
                elif (
                    ERROR_NAMES.search(name or "")
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and KEY_SHAPE.match(str(node.args[0].value))
                ):
                    arg = node.args[0]
                else:
                    continue
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    used.append((path.name, arg.value))
            if isinstance(node, ast.ClassDef):
                for stmt in node.body:
                    if (
                        isinstance(stmt, ast.Assign)
                        and any(getattr(t, "id", "") == "key" for t in stmt.targets)
                        and isinstance(stmt.value, ast.Constant)
                        and isinstance(stmt.value.value, str)
                    ):
                        used.append((path.name, stmt.value.value))
    return literals, prefixes, used


def test_every_language_has_the_same_keys():
    cats = catalogs()
    en = cats.keys("en")
    for lang in LANGUAGES:
        keys = cats.keys(lang)
        assert keys == en, f"{lang}: missing {sorted(en - keys)}; extra {sorted(keys - en)}"


def test_every_key_used_in_code_exists():
    _, _, used = _literals()
    known = catalogs().keys("en")
    missing = sorted({f"{f}: {k}" for f, k in used if k not in known})
    assert not missing, f"keys used in code but not in the catalogs: {missing}"


def test_every_catalog_key_is_used():
    literals, prefixes, _ = _literals()
    unused = sorted(
        k
        for k in catalogs().keys("en")
        if k not in literals and not any(p and k.startswith(p) and p.endswith(".") for p in prefixes)
    )
    assert not unused, f"catalog keys no code uses: {unused}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_match_between_languages(lang):
    cats = catalogs()
    pat = re.compile(r"{(\w+)")
    for key, text in cats.messages["en"].items():
        other = cats.messages[lang][key]
        assert set(pat.findall(other)) == set(pat.findall(text)), f"{lang} {key}: placeholders differ"
    for key, forms in cats.plurals["en"].items():
        for other in cats.plurals[lang][key]:
            assert set(pat.findall(other)) == set(pat.findall(forms[-1])), f"{lang} {key}: placeholders differ"


PLURAL_FORMS = {"en": "nplurals=2; plural=(n != 1);", "zh-CN": "nplurals=1; plural=0;"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_catalog_declares_its_plural_forms(lang):
    for po in sorted((LOCALES_DIR / _DIRS[lang]).glob("*.po")):
        assert f'"Plural-Forms: {PLURAL_FORMS[lang]}\\n"' in po.read_text(encoding="utf-8"), po.name


@pytest.mark.parametrize("lang", LANGUAGES)
def test_counting_texts_are_plural_entries_in_both_languages(lang):
    """A text that counts is a plural entry in every language, with each of the language's forms filled."""
    cats = catalogs()
    assert set(cats.plurals[lang]) == set(cats.plurals["en"]), f"{lang}: plural entries differ from English"
    assert len(cats.plurals["en"]) >= 20, "the counting texts are plural entries"
    nplurals = int(PLURAL_FORMS[lang].split(";")[0].split("=")[1])
    for key, forms in cats.plurals[lang].items():
        assert len(forms) == nplurals and all(f.strip() for f in forms), f"{lang} {key}: forms {forms}"
        assert "{n}" in forms[-1], f"{lang} {key}: the count is {{n}}"


def test_no_english_text_counts_with_a_parenthesised_plural():
    """ "1 household(s)" is what plural entries are for."""
    texts = list(catalogs().messages["en"].values()) + [f for fs in catalogs().plurals["en"].values() for f in fs]
    counted = re.compile(r"\{\w+\} [\w ]*\(s\)")  # "{n} household(s)"
    assert not [s for s in texts if counted.search(s)]


def test_services_do_not_import_telegram_or_aiohttp():
    for path in (ROOT / "bot" / "services").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for n in names:
                assert n.split(".")[0] not in ("telegram", "aiohttp"), f"{path.name} imports {n}"


async def test_migrations_build_exactly_the_models(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"
    await migrate.upgrade_async(url)
    db = Database(url)
    async with db.engine.connect() as conn:
        diff = await conn.run_sync(lambda c: compare_metadata(MigrationContext.configure(c), SQLModel.metadata))
    await db.dispose()
    assert not diff, f"models changed without a migration (regenerate storage/migrations): {diff[:5]}"


@pytest.mark.postgres
async def test_migrations_build_exactly_the_models_on_postgresql():
    import uuid

    import asyncpg

    from tests.conftest import PG_ADMIN

    name = f"redvest_mig_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(PG_ADMIN)
    await conn.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
        await migrate.upgrade_async(url)
        db = Database(url)
        async with db.engine.connect() as c:
            diff = await c.run_sync(lambda sc: compare_metadata(MigrationContext.configure(sc), SQLModel.metadata))
        await db.dispose()
        assert not diff, f"PostgreSQL schema differs from the models: {diff[:5]}"
    finally:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()
