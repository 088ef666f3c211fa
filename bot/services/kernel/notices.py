"""Notices: what the core wants one chat to be told, as facts, never as words.

A service that tells someone something queues a Notice (a frozen dataclass of facts) through
`core.notifier`; the rendering layer (bot/views) turns it into text and buttons in the reader's
language when it is queued. So a change of wording or of a button never touches domain code.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Notice:
    """To one chat. `language`: the reader's language code as stored (None for group chats and
    for people who never told Telegram theirs: the community's default)."""

    chat_id: int
    language: str | None = None

    @property
    def group_only(self) -> bool:
        """Is this a card only ever posted in group chats? They read the community's language, so an
        edit of it is rendered in that one only (others are rendered too: a shared card's copies may sit
        in several people's private chats, each edited in its reader's language)."""
        return False
