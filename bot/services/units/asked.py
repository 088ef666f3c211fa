"""A unit's contact asks for its report when they need it (the unit's own party branch meets on its
own days, not on the 1st): last month's, or this month's so far, sent to them now as the monthly
one is (text and spreadsheet, through the outbox). Each press sends one: asking again sends again."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.kernel.core import Core
from bot.services.kernel.errors import NotAllowed
from bot.services.kernel.periods import zone
from bot.services.kernel.roles import Actor, ensure_person
from storage.models import Unit

from .notices import UnitReportReady
from .reports import previous_month, unit_report


@dataclass(frozen=True)
class ReportAsked:
    unit: str
    month: str  # YYYY-MM
    so_far: bool  # this month, up to now


async def ask_unit_report(core: Core, actor: Actor, unit_id: int, this_month: bool) -> ReportAsked:
    """Only the unit's contact (as it is now) may ask; the report goes to their private chat."""
    now = core.clock.now()
    async with core.db.reading() as s:
        me = await ensure_person(s, actor)
        unit = await s.get(Unit, unit_id)
        if unit is None or unit.contact_id is None or unit.contact_id != me.id:
            raise NotAllowed("units.report_contacts_only")
        name, language = unit.name, me.language
    today = now.astimezone(zone(core.cfg.bot.timezone)).date()
    month = f"{today.year:04d}-{today.month:02d}" if this_month else previous_month(today)
    report = await unit_report(core, unit_id, month)
    async with core.db.session() as s:
        notice = UnitReportReady(chat_id=actor.tg_user_id, language=language, report=report)
        await core.notifier.send(
            s, f"unit-report-asked:{unit_id}:{month}:{now.timestamp():.0f}:{actor.tg_user_id}", notice
        )
    return ReportAsked(name, month, this_month)
