"""The Notifier the services use in production: each notice rendered in its reader's language
(bot/views) and kept as a row in the outbox, sent after commit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any
from uuid import uuid4

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from bot.services.kernel.clock import Clock
from bot.services.kernel.languages import LANGUAGES
from bot.services.kernel.notices import Notice
from bot.views import render
from bot.views.message import Button, OutMessage
from storage import outbox
from storage.enums import OutboxKind

_WAKE = "outbox_wake"  # Session.info: the notifiers whose senders wake when the transaction commits


# One listener for every session, registered once: listening per session (event.listen with once=True)
# cost a few percent of an accept's CPU.
@event.listens_for(Session, "after_commit")
def _wake_notifiers(session: Session) -> None:
    for notifier in session.info.pop(_WAKE, ()):
        notifier.wake()


def _kind(msg: OutMessage) -> OutboxKind:
    if msg.menus is not None:
        return OutboxKind.menu
    if msg.album:
        return OutboxKind.album
    return OutboxKind.photo if msg.photo else OutboxKind.document if msg.document else OutboxKind.send


class OutboxNotifier:
    def __init__(self, clock: Clock, wake: Callable[[], None] | None = None, *, locale: str = "zh-CN") -> None:
        self.clock = clock
        self.wake = wake or (lambda: None)
        self.locale = locale  # the community's default language, for groups and people who set none

    def message(self, msg: Notice | OutMessage) -> OutMessage:
        return render(msg, self.locale) if isinstance(msg, Notice) else msg

    def _card(self, card: Any, buttons: list[list[Button]] | None) -> dict[str, Any]:
        """An edit of every copy of a card. A card whose reader is not named (language None: the
        copies may sit in a group and in several people's private chats) is rendered in every
        language too; the sender gives each copy its reader's (bot/outbox/messages.in_language)."""
        if not isinstance(card, Notice):
            return OutMessage(chat_id=0, text=card, buttons=buttons or []).payload()
        payload = render(card, self.locale).payload()
        if card.language is None and not card.group_only:
            payload["languages"] = {
                lang: render(replace(card, language=lang), self.locale).payload()
                for lang in LANGUAGES
                if lang != self.locale
            }
        return payload

    def _wake_after_commit(self, session: AsyncSession) -> None:
        wakes = session.sync_session.info.setdefault(_WAKE, [])
        if self not in wakes:
            wakes.append(self)

    async def send(
        self,
        session: AsyncSession,
        key: str,
        msg: Notice | OutMessage,
        *,
        card_ref: str | None = None,
        urgent: bool = False,
    ) -> bool:
        m = self.message(msg)
        queued = await outbox.enqueue(
            session,
            key=key,
            chat_id=m.chat_id,
            kind=_kind(m),
            payload=m.payload(),
            now=self.clock.now(),
            card_ref=card_ref,
            urgent=urgent,
            binary=m.photo or m.document,
        )
        self._wake_after_commit(session)
        return queued

    async def send_many(self, session: AsyncSession, items: list[tuple[str, Any, bool]]) -> int:
        """Queue many (key, notice, urgent) at once, each once by key; returns how many were new."""
        rows = []
        for key, msg, urgent in items:
            m = self.message(msg)
            rows.append(
                dict(
                    key=key,
                    chat_id=m.chat_id,
                    payload=m.payload(),
                    urgent=urgent,
                    binary=m.photo or m.document,
                    kind=_kind(m),
                )
            )
        queued = await outbox.enqueue_many(session, rows, self.clock.now())
        self._wake_after_commit(session)
        return queued

    async def edit_card(
        self, session: AsyncSession, card_ref: str, card: Any, buttons: list[list[Button]] | None = None
    ) -> None:
        await outbox.enqueue_edit(session, card_ref=card_ref, payload=self._card(card, buttons), now=self.clock.now())
        self._wake_after_commit(session)

    async def queue(
        self, session: AsyncSession, sends: list[tuple[str, Any, str | None, bool]], edits: list[tuple[Any, ...]]
    ) -> None:
        """`send` of each (key, notice, card_ref, urgent), then `edit_card` of each (card_ref, notice),
        in that order, in one statement (two on SQLite) instead of one or two each."""
        now = self.clock.now()
        rows = []
        for key, msg, card_ref, urgent in sends:
            m = self.message(msg)
            assert not (m.photo or m.document), "photos and documents go through send()"
            rows.append(
                dict(key=key, chat_id=m.chat_id, payload=m.payload(), card_ref=card_ref, urgent=urgent, kind=_kind(m))
            )
        refs = []
        for ref, card, *buttons in edits:
            rows.append(
                dict(
                    key=f"edit:{ref}:{uuid4().hex}",
                    chat_id=0,
                    kind=OutboxKind.edit,
                    card_ref=ref,
                    payload=self._card(card, buttons[0] if buttons else None),
                )
            )
            refs.append(ref)
        await outbox.enqueue_rows(session, rows, now, supersede=refs)
        self._wake_after_commit(session)
