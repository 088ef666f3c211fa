"""What editing a request's card needs to know, in one statement: who took it (the names the card
shows) and the leaders' private copies of it with their readers' languages.

Each statement runs on every accept, Done, confirmation, release and leader action; reading the two
apart (three statements with the languages) was a fifth of an accept's CPU.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import JSON, Integer, String, bindparam, cast, func, literal, null, select, type_coerce, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from .claim_reads import AS, OB, PE, TAKER, of_takers
from .enums import OutboxKind


class LeadCopy(NamedTuple):
    card_ref: str
    chat_id: int
    language: str | None  # the reader's


class Taker(NamedTuple):
    id: int | None  # None when the person is gone
    name: str | None
    username: str | None


def lead_ref_prefix(request_id: int) -> str:
    """A leader's copy of a request's card has this card ref, followed by the leader's chat id."""
    return f"request-lead:{request_id}:"


def lead_copies(ref_matches: Any) -> Any:
    """card_ref, chat_id and the reader's language of every leader's copy whose ref `ref_matches`."""
    copies = (
        select(OB.c.card_ref, OB.c.chat_id)
        .distinct()
        .where(ref_matches, OB.c.kind != OutboxKind.edit.value)
        .subquery("copies")
    )
    # the reader's language (tg_user_id is unique, so at most one)
    language = select(PE.c.language).where(PE.c.tg_user_id == copies.c.chat_id).scalar_subquery()
    return select(copies.c.card_ref, copies.c.chat_id, language.label("language")).subquery("lead_copies")


_copies = lead_copies(OB.c.card_ref.like(bindparam("pattern")))
_COPY_ROWS = select(
    literal(1).label("k"),
    literal(0).label("ord"),
    cast(null(), Integer).label("pid"),
    cast(null(), String).label("name"),
    cast(null(), String).label("username"),
    *_copies.c,
)
_TAKER_ROWS = of_takers(
    literal(0).label("k"),
    AS.c.id.label("ord"),
    TAKER.c.id.label("pid"),
    TAKER.c.name,
    TAKER.c.username,
    cast(null(), String).label("card_ref"),
    cast(null(), Integer).label("chat_id"),
    cast(null(), String).label("language"),
)
_both = union_all(_TAKER_ROWS, _COPY_ROWS).subquery("audience")
_AUDIENCE = select(_both).order_by(_both.c.k, _both.c.ord)  # takers oldest first, then the copies


# SQLite: the leaders' copies of `:pattern` as one JSON array of [card_ref, chat_id, language], a column
# of another read (the claim's: see requests.claiming); their order is of no consequence, as in the take's
# on PostgreSQL
COPIES_JSON = type_coerce(select(func.json_group_array(func.json_array(*_copies.c))).scalar_subquery(), JSON)


def lead_pattern(request_id: int) -> str:
    """The LIKE pattern of `:pattern`: every leader's copy of the request's card."""
    return lead_ref_prefix(request_id) + "%"


async def card_audience(
    session: AsyncSession, request_id: int, *, with_takers: bool = True
) -> tuple[list[Taker], list[LeadCopy]]:
    """The request's takers (oldest first; none read unless `with_takers`) and its leaders' copies."""
    conn = await session.connection()
    params: dict[str, Any] = {"pattern": lead_pattern(request_id)}
    if not with_takers:
        return [], [LeadCopy(r.card_ref, r.chat_id, r.language) for r in await conn.execute(_COPY_ROWS, params)]
    params["rid"] = request_id
    takers, copies = [], []
    for r in await conn.execute(_AUDIENCE, params):
        if r.k == 0:
            takers.append(Taker(r.pid, r.name, r.username))
        else:
            copies.append(LeadCopy(r.card_ref, r.chat_id, r.language))
    return takers, copies
