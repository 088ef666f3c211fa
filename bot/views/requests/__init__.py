"""Views of the request loop (点单 派单 接单 评单), a module a topic: `callbacks` (every press),
`labels`, `cards` (the request card), `tasks` (the private details), `board`, `intake`, `mine`
(/my), `ratings`, `relay`, `proof` (photos of a task done). Importing this package registers the renderers of the loop's notices."""

from __future__ import annotations

from . import board, callbacks, cards, intake, labels, mine, proof, ratings, relay, tasks

__all__ = ["board", "callbacks", "cards", "intake", "labels", "mine", "proof", "ratings", "relay", "tasks"]
