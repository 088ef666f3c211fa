"""The event card posted in volunteer groups, and the small reads shared by the event services."""
from __future__ import annotations

from sqlmodel import col

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import t, tp
from storage.enums import EventKind, SignupStatus
from storage.models import Community, Event, EventSignup, Person

from bot.services.kernel.core import Core
from bot.services.kernel.life_common import aware, zone
from bot.services.kernel.notifier import Button
from bot.services.people.roles import can_lead, is_admin_of

COUNTED = (SignupStatus.signed.value, SignupStatus.attended.value, SignupStatus.no_show.value)


def local_time(when: datetime, tz: str) -> str:
    return aware(when).astimezone(zone(tz)).strftime("%Y-%m-%d %H:%M")


async def signed_count(s: AsyncSession, event_id: int) -> int:
    return int(await s.scalar(select(func.count()).select_from(EventSignup).where(
        col(EventSignup.event_id) == event_id, col(EventSignup.status).in_(COUNTED))) or 0)


def render_card(lang: str, ev: Event, signed: int, tz: str, now: datetime) -> tuple[str, list[list[Button]]]:
    """The event card in a volunteer group: live count, sign-up / withdraw while it is open."""
    kind = tp(lang, "events.kind.service_day" if ev.kind == EventKind.service_day.value else "events.kind.event")
    text = t(lang, "events.card", kind=kind, title=ev.title, when=local_time(ev.starts_at, tz), place=ev.place,
             signed=signed, slots=ev.slots)
    if ev.cancelled:
        return text + "\n" + t(lang, "events.card.cancelled"), []
    if aware(ev.starts_at) <= now:
        return text + "\n" + t(lang, "events.card.closed"), []
    if signed >= ev.slots:
        text += "\n" + t(lang, "events.card.full")
    return text, [[Button(tp(lang, "events.button.join"), data=f"event:join:{ev.id}"),
                   Button(tp(lang, "events.button.leave"), data=f"event:leave:{ev.id}")]]


async def refresh_card(core: Core, s: AsyncSession, ev: Event) -> int:
    """Edit every posted copy of the card with the current count (in the caller's transaction)."""
    signed = await signed_count(s, ev.id)  # type: ignore[arg-type]
    tz = (await s.get(Community, ev.community_id)).timezone  # type: ignore[union-attr]
    text, buttons = render_card(core.cfg.bot.default_locale, ev, signed, tz, core.clock.now())
    await core.notifier.edit_card(s, f"event:{ev.id}", text, buttons)
    return signed


async def may_manage(s: AsyncSession, person: Person, ev: Event) -> bool:
    if ev.grid_id is not None:
        return await can_lead(s, person, ev.grid_id)
    return await is_admin_of(s, person, ev.community_id)
