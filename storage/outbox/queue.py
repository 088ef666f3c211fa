"""Queueing: each row once by key, in the state change's transaction; a card's newer edit supersedes the queued ones."""

from __future__ import annotations

import json
from base64 import b64encode
from datetime import datetime
from typing import Any
from uuid import uuid4

from sqlalchemy import DateTime, bindparam, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from ..enums import OutboxKind, OutboxStatus
from ..models import OutboxMessage, table_of
from ..rows import affected
from ..upsert import dialect, insert_ignore, per_dialect


async def enqueue(
    session: AsyncSession,
    *,
    key: str,
    chat_id: int,
    kind: OutboxKind,
    payload: dict[str, Any],
    now: datetime,
    card_ref: str | None = None,
    urgent: bool = False,
    binary: bytes | None = None,
) -> bool:
    if binary is not None:
        payload = {**payload, "binary_b64": b64encode(binary).decode()}
    return await insert_ignore(
        session,
        OutboxMessage,
        dict(
            key=key,
            chat_id=chat_id,
            kind=kind.value,
            payload=json.dumps(payload, ensure_ascii=False),
            card_ref=card_ref,
            urgent=urgent,
            status=OutboxStatus.pending.value,
            next_attempt_at=now,
            created_at=now,
        ),
        ["key"],
    )


async def enqueue_many(session: AsyncSession, rows: list[dict[str, Any]], now: datetime) -> int:
    """Queue many rows in one statement, each once by key; returns how many were new.
    Each row: key, chat_id, kind (OutboxKind), payload (dict), urgent, binary (bytes or None)."""
    if not rows:
        return 0
    values = []
    for r in rows:
        payload = (
            r["payload"] if r.get("binary") is None else {**r["payload"], "binary_b64": b64encode(r["binary"]).decode()}
        )
        values.append(
            dict(
                key=r["key"],
                chat_id=r["chat_id"],
                kind=r["kind"].value,
                card_ref=r.get("card_ref"),
                payload=json.dumps(payload, ensure_ascii=False),
                urgent=bool(r.get("urgent")),
                status=OutboxStatus.pending.value,
                next_attempt_at=now,
                created_at=now,
                attempts=0,
            )
        )
    mod = postgresql if dialect(session) == "postgresql" else sqlite
    result = await session.execute(
        mod.insert(OutboxMessage).values(values).on_conflict_do_nothing(index_elements=["key"])
    )
    return affected(result)


_OB = table_of(OutboxMessage)
_INSERT_IGNORE = per_dialect(lambda insert: insert(_OB).on_conflict_do_nothing(index_elements=["key"]))


_SUPERSEDE = (
    update(_OB)
    .where(
        _OB.c.card_ref.in_(bindparam("refs", expanding=True)),
        _OB.c.kind == OutboxKind.edit.value,
        _OB.c.status == OutboxStatus.pending.value,
    )
    .values(status=OutboxStatus.skipped.value, last_error="superseded")
)
# PostgreSQL: the supersede and the insert in one statement, the rows as arrays (one prepared
# statement whatever their number; WITH ORDINALITY keeps their order, so their ids follow the list).
# The UPDATE sees the edits earlier statements of the transaction queued, not the ones inserted here.
_SUPERSEDE_AND_QUEUE_PG = text("""
WITH superseded AS (
    UPDATE outbox SET status = :skipped, last_error = 'superseded'
    WHERE card_ref = ANY(CAST(:refs AS varchar[])) AND kind = :edit AND status = :pending)
INSERT INTO outbox (key, chat_id, kind, card_ref, payload, urgent, status, attempts, next_attempt_at, created_at)
SELECT r.key, r.chat_id, r.kind, r.card_ref, r.payload, r.urgent, :pending, 0, :now, :now
FROM unnest(CAST(:keys AS varchar[]), CAST(:chats AS bigint[]), CAST(:kinds AS varchar[]), CAST(:card_refs AS varchar[]),
            CAST(:payloads AS text[]), CAST(:urgents AS boolean[])) WITH ORDINALITY
     AS r(key, chat_id, kind, card_ref, payload, urgent, n)
ORDER BY r.n
ON CONFLICT (key) DO NOTHING""").bindparams(
    bindparam("now", type_=DateTime(timezone=True)),
    skipped=OutboxStatus.skipped.value,
    edit=OutboxKind.edit.value,
    pending=OutboxStatus.pending.value,
)


async def enqueue_rows(
    session: AsyncSession, rows: list[dict[str, Any]], now: datetime, supersede: list[str] | None = None
) -> None:
    """Queue sends and card edits together (each row once by key), in list order. Each row: key,
    chat_id, kind (OutboxKind), payload (dict), card_ref, urgent. Queued edits of the cards in
    `supersede` become pointless first (the rows bring newer ones).
    One statement on PostgreSQL, two on SQLite."""
    conn = await session.connection()
    payloads = [json.dumps(r["payload"], ensure_ascii=False) for r in rows]
    if dialect(session) == "postgresql" and rows:
        await conn.execute(
            _SUPERSEDE_AND_QUEUE_PG,
            dict(
                refs=supersede or [],
                now=now,
                keys=[r["key"] for r in rows],
                chats=[r["chat_id"] for r in rows],
                kinds=[r["kind"].value for r in rows],
                card_refs=[r.get("card_ref") for r in rows],
                payloads=payloads,
                urgents=[bool(r.get("urgent")) for r in rows],
            ),
        )
        return
    if supersede:
        await conn.execute(_SUPERSEDE, {"refs": supersede})
    if not rows:
        return
    values = [
        dict(
            key=r["key"],
            chat_id=r["chat_id"],
            kind=r["kind"].value,
            card_ref=r.get("card_ref"),
            payload=payload,
            urgent=bool(r.get("urgent")),
            status=OutboxStatus.pending.value,
            next_attempt_at=now,
            created_at=now,
            attempts=0,
        )
        for r, payload in zip(rows, payloads, strict=False)
    ]
    await conn.execute(_INSERT_IGNORE[dialect(session)], values if len(values) > 1 else values[0])


async def enqueue_edit(session: AsyncSession, *, card_ref: str, payload: dict[str, Any], now: datetime) -> None:
    """Queue an edit of every copy of a card. Older queued edits of it become pointless."""
    await enqueue_rows(
        session,
        [
            dict(
                key=f"edit:{card_ref}:{uuid4().hex}",
                chat_id=0,
                kind=OutboxKind.edit,
                payload=payload,
                card_ref=card_ref,
            )
        ],
        now,
        supersede=[card_ref],
    )


async def existing_keys(session: AsyncSession, keys: list[str]) -> set[str]:
    """Which of these keys are already in the outbox (queued or done)."""
    found: set[str] = set()
    for i in range(0, len(keys), 500):
        rows = await session.execute(
            select(col(OutboxMessage.key)).where(col(OutboxMessage.key).in_(keys[i : i + 500]))
        )
        found.update(rows.scalars())
    return found
