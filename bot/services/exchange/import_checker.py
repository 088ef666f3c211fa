"""How one CSV row is checked and written (see imports.py), and the cells every kind reads alike.

`check()` reads only and raises RowProblem (a catalog key and its facts: the views word it in the
reader's language); `write()` stores one checked row. Each checker remembers what earlier rows of
the same file will create, so duplicates inside the file are caught too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import DomainError
from bot.services.kernel.ids import stored_id
from storage.models import Community, Grid, Person

TRUE = {"yes", "y", "true", "1", "是", "同意", "x", "✓", "√"}
FALSE = {"no", "n", "false", "0", "否", "不同意", ""}
SPLIT = re.compile(r"[;；|、,，/]+")


class RowProblem(Exception):
    """What is wrong with a row (or the header): a catalog key (`import.problem.*`) and its facts.
    `cause` is the refusal of a cleaner (a bad phone, a name too long), told inside the reason."""

    def __init__(self, key: str, cause: DomainError | None = None, **params: object) -> None:
        super().__init__(key)
        self.key, self.cause, self.params = key, cause, params


@dataclass(frozen=True)
class ImportVocabulary:
    """The words a file may use for a value (lower case -> code): the caller's, from the catalogs
    (bot/views/exchange), so a file may say 独居老人 or elderly_alone."""

    work_groups: dict[str, str]
    skills: dict[str, str]
    care_flags: dict[str, str]
    # column headers an export writes (both languages' labels, lower case) -> the import's column,
    # so a file exported and edited in a spreadsheet is read back (docs/import.md: round trip)
    headers: dict[str, str] = field(default_factory=dict)


def yes_no(field: str, value: str) -> bool:
    v = value.strip().lower()
    if v in TRUE:
        return True
    if v in FALSE:
        return False
    raise RowProblem("import.problem.not_yes_no", field=field, value=value[:20])


def many(field: str, value: str, table: dict[str, str]) -> list[str]:
    out = []
    for part in SPLIT.split(value):
        part = part.strip().lower()
        if not part:
            continue
        if part not in table:
            raise RowProblem("import.problem.unknown_value", field=field, value=part[:30])
        out.append(table[part])
    return list(dict.fromkeys(out))


def tg_ids(field: str, value: str) -> list[int]:
    ids = []
    for part in SPLIT.split(value):
        if part.strip():
            if not part.strip().isdigit() or len(part.strip()) > 15:
                raise RowProblem("import.problem.not_tg_id", field=field, value=part.strip()[:20])
            ids.append(int(part.strip()))
    return ids


class Checker:
    def __init__(self, session: AsyncSession, core: Core, vocabulary: ImportVocabulary) -> None:
        self.s, self.core, self.words = session, core, vocabulary
        self._communities: dict[str, Community | None] = {}
        self._grids: dict[tuple[int, str], Grid | None] = {}
        self.seen: set[Any] = set()

    async def check(self, values: dict[str, str]) -> Any:
        raise NotImplementedError

    async def write(self, item: Any) -> bool | None:
        """Store a checked row; False when it changed an existing record instead of creating one."""
        raise NotImplementedError

    def clean(self, field: str, fn: Callable[[str], Any], value: str) -> Any:
        try:
            return fn(value)
        except DomainError as e:
            raise RowProblem("import.problem.value", cause=e, field=field) from None

    def once(self, key: Any, field: str, value: object) -> None:
        """Refuse a second row for the same thing (`field` and `value` name it in the reason)."""
        if key in self.seen:
            raise RowProblem("import.problem.twice", field=field, value=str(value)[:50])
        self.seen.add(key)

    async def community(self, name: str) -> Community:
        if name not in self._communities:
            self._communities[name] = (
                (await self.s.execute(select(Community).where(col(Community.name) == name))).scalars().first()
            )
        com = self._communities[name]
        if com is None:
            raise RowProblem("import.problem.no_community", name=name[:50])
        return com

    async def grid(self, community: str, name: str) -> Grid:
        com = await self.community(community)
        key = (stored_id(com.id), name)
        if key not in self._grids:
            self._grids[key] = (
                (await self.s.execute(select(Grid).where(col(Grid.community_id) == com.id, col(Grid.name) == name)))
                .scalars()
                .first()
            )
        grid = self._grids[key]
        if grid is None:
            raise RowProblem("import.problem.no_grid", community=community[:50], name=name[:50])
        return grid

    async def person(self, tg_user_id: int, name: str = "") -> Person:
        person = (await self.s.execute(select(Person).where(col(Person.tg_user_id) == tg_user_id))).scalars().first()
        if person is None:
            person = Person(tg_user_id=tg_user_id, name=name, created_at=self.core.clock.now())
            self.s.add(person)
            await self.s.flush()
        return person
