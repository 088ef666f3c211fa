"""The places' notices, rendered."""

from __future__ import annotations

from bot.i18n import t, tn
from bot.services.places import AdminGranted, HouseholdsPaired, LeaderGranted
from bot.views.message import OutMessage
from bot.views.render import renders


@renders(LeaderGranted)
def leader_granted(n: LeaderGranted, lang: str) -> OutMessage:
    return OutMessage(chat_id=n.chat_id, text=t(lang, "places.you_lead", grid=n.grid))


@renders(AdminGranted)
def admin_granted(n: AdminGranted, lang: str) -> OutMessage:
    return OutMessage(chat_id=n.chat_id, text=t(lang, "places.you_admin", community=n.community))


@renders(HouseholdsPaired)
def households_paired(n: HouseholdsPaired, lang: str) -> OutMessage:
    return OutMessage(chat_id=n.chat_id, text=tn(lang, "households.paired_notice", n.count, grid=n.grid))
