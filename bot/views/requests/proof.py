"""Proof photos: the step that collects them when a task is reported done, and the photos as the
resident and the leaders receive them (never a group chat: the notice goes to a person)."""

from __future__ import annotations

from bot.i18n import t, tn, tp
from bot.services.requests import MAX_PHOTOS, ProofPhotos

from ..message import Button, Keyboard, OutMessage
from ..render import renders
from .callbacks import TASK_PHOTOS


def photos_buttons(lang: str, count: int) -> Keyboard:
    """Done (with the photos sent so far) or Skip (none)."""
    if count:
        return [[Button(tp(lang, "proof.done_button", n=count), data=TASK_PHOTOS.data("done"))]]
    return [[Button(tp(lang, "proof.skip_button"), data=TASK_PHOTOS.data("skip"))]]


def ask_photos(lang: str) -> str:
    return t(lang, "proof.ask", n=MAX_PHOTOS)


def photo_received(lang: str, count: int) -> str:
    key = "proof.full" if count >= MAX_PHOTOS else "proof.received"
    return t(lang, key, count=count, n=MAX_PHOTOS)


@renders(ProofPhotos)
def proof_photos(n: ProofPhotos, lang: str) -> OutMessage:
    key = "proof.to_leader" if n.to_leader else "proof.to_resident"
    return OutMessage(
        chat_id=n.chat_id,
        text=tn(lang, key, len(n.file_ids), code=n.code, name=n.volunteer_name),
        album=list(n.file_ids),
    )
