"""The persistent outbox: queue once by key, take due rows, record the outcome."""

from .delivery import (
    backoff,
    claim_due,
    depth,
    last_sent_at,
    mark_retry,
    mark_sent,
    mark_skipped,
    move_chat,
    oldest_pending_at,
    release,
    release_many,
    skip_chat,
)
from .posted import card_pending, cards, remember_card
from .queue import enqueue, enqueue_edit, enqueue_many, enqueue_rows, existing_keys
from .retention import FINISHED, forget_payloads, purge_finished
from .tally import Tally, tally

__all__ = [
    "FINISHED",
    "Tally",
    "backoff",
    "card_pending",
    "cards",
    "claim_due",
    "depth",
    "enqueue",
    "enqueue_edit",
    "enqueue_many",
    "enqueue_rows",
    "existing_keys",
    "forget_payloads",
    "last_sent_at",
    "mark_retry",
    "mark_sent",
    "mark_skipped",
    "move_chat",
    "oldest_pending_at",
    "purge_finished",
    "release",
    "release_many",
    "remember_card",
    "skip_chat",
    "tally",
]
