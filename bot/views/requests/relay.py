"""💬 A relayed text between a resident and a volunteer, with a button to answer it."""

from __future__ import annotations

from bot.i18n import t, tp
from bot.services.requests import Relayed

from ..message import Button, OutMessage
from ..render import renders
from .callbacks import RELAY_TO_RESIDENT, RELAY_TO_VOLUNTEER


@renders(Relayed)
def relayed(n: Relayed, lang: str) -> OutMessage:
    if n.to_resident:  # the resident answers the volunteer
        key, data = "relay.from_volunteer", RELAY_TO_VOLUNTEER.data(n.request_id, n.volunteer_id)
    else:
        key, data = "relay.from_resident", RELAY_TO_RESIDENT.data(n.request_id)
    return OutMessage(
        chat_id=n.chat_id,
        text=t(lang, key, code=n.code, name=n.sender_name, text=n.text),
        buttons=[[Button(tp(lang, "relay.reply_button"), data=data)]],
    )
