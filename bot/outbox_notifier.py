"""The Notifier the services use in production: rows in the outbox, sent after commit."""
from __future__ import annotations

from typing import Callable
from uuid import uuid4

from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.clock import Clock
from bot.services.notifier import Button, OutMessage
from storage import outbox
from storage.enums import OutboxKind


_WAKE = "outbox_wake"  # Session.info: the notifiers whose senders wake when the transaction commits


# One listener for every session, registered once: listening per session (event.listen with once=True)
# cost a few percent of an accept's CPU.
@event.listens_for(Session, "after_commit")
def _wake_notifiers(session: Session) -> None:
    for notifier in session.info.pop(_WAKE, ()):
        notifier.wake()


class OutboxNotifier:
    def __init__(self, clock: Clock, wake: Callable[[], None] | None = None) -> None:
        self.clock = clock
        self.wake = wake or (lambda: None)

    def _wake_after_commit(self, session: AsyncSession) -> None:
        wakes = session.sync_session.info.setdefault(_WAKE, [])
        if self not in wakes:
            wakes.append(self)

    async def send(self, session: AsyncSession, key: str, msg: OutMessage, *,
                   card_ref: str | None = None, urgent: bool = False) -> bool:
        kind = OutboxKind.photo if msg.photo else OutboxKind.document if msg.document else OutboxKind.send
        queued = await outbox.enqueue(session, key=key, chat_id=msg.chat_id, kind=kind, payload=msg.payload(),
                                      now=self.clock.now(), card_ref=card_ref, urgent=urgent,
                                      binary=msg.photo or msg.document)
        self._wake_after_commit(session)
        return queued

    async def send_many(self, session: AsyncSession, items: list[tuple[str, OutMessage, bool]]) -> int:
        """Queue many (key, message, urgent) at once, each once by key; returns how many were new."""
        rows = [dict(key=key, chat_id=msg.chat_id, payload=msg.payload(), urgent=urgent, binary=msg.photo or msg.document,
                     kind=OutboxKind.photo if msg.photo else OutboxKind.document if msg.document else OutboxKind.send)
                for key, msg, urgent in items]
        queued = await outbox.enqueue_many(session, rows, self.clock.now())
        self._wake_after_commit(session)
        return queued

    async def edit_card(self, session: AsyncSession, card_ref: str, text: str,
                        buttons: list[list[Button]]) -> None:
        payload = OutMessage(chat_id=0, text=text, buttons=buttons).payload()
        await outbox.enqueue_edit(session, card_ref=card_ref, payload=payload, now=self.clock.now())
        self._wake_after_commit(session)

    async def queue(self, session: AsyncSession, sends: list[tuple[str, OutMessage, str | None, bool]],
                    edits: list[tuple[str, str, list[list[Button]]]]) -> None:
        """`send` of each (key, message, card_ref, urgent), then `edit_card` of each (card_ref, text,
        buttons), in that order, in one statement (two on SQLite) instead of one or two each."""
        assert not any(msg.photo or msg.document for _, msg, _, _ in sends), "photos and documents go through send()"
        now = self.clock.now()
        rows = [dict(key=key, chat_id=msg.chat_id, payload=msg.payload(), card_ref=card_ref, urgent=urgent,
                     kind=OutboxKind.send) for key, msg, card_ref, urgent in sends]
        rows += [dict(key=f"edit:{ref}:{uuid4().hex}", chat_id=0, kind=OutboxKind.edit, card_ref=ref,
                      payload=OutMessage(chat_id=0, text=text, buttons=buttons).payload()) for ref, text, buttons in edits]
        await outbox.enqueue_rows(session, rows, now, supersede=[ref for ref, _, _ in edits])
        self._wake_after_commit(session)
