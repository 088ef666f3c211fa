"""How the demo's past is told: steps at given times, run in time order through the services with
a clock set to each step's time. Steps of weeks ago run with a quiet notifier (what happened then
is not sent today); the steps of the last days run with the outbox notifier, so the sandbox's chats
show the cards, reminders and questions that still wait for someone. A past notice that was
delivered then is queued and marked sent at its time (Story.delivered)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.outbox.notifier import OutboxNotifier
from bot.services.kernel.clock import FakeClock
from bot.services.kernel.config import Config
from bot.services.kernel.core import Core
from bot.services.requests import (
    RequestDraft,
    claim_task,
    confirm_outcome,
    create_request,
    rate_request,
    report_done,
    start_task,
)
from storage import outbox
from storage.db import Database
from storage.enums import OutboxStatus
from storage.models import Household, OutboxMessage

from .cast import ADDRESSES, DemoPerson

Step = Callable[[Core], Awaitable[Any]]


class Quiet:
    """A notifier that keeps nothing: the notices of weeks ago were read weeks ago."""

    async def send(
        self, session: AsyncSession, key: str, msg: Any, *, card_ref: str | None = None, urgent: bool = False
    ) -> bool:
        return True

    async def send_many(self, session: AsyncSession, items: list[tuple[str, Any, bool]]) -> int:
        return len(items)

    async def edit_card(self, session: AsyncSession, card_ref: str, card: Any, buttons: Any = None) -> None:
        return None

    async def queue(
        self, session: AsyncSession, sends: list[tuple[str, Any, str | None, bool]], edits: list[tuple[Any, ...]]
    ) -> None:
        return None


@dataclass
class Story:
    db: Database
    cfg: Config
    now: datetime  # aware; the story ends here
    week0: datetime  # Monday 00:00 of now's week, in the community's time zone
    clock: FakeClock = field(init=False)
    steps: list[tuple[datetime, int, bool, Step]] = field(default_factory=list)
    ids: dict[str, int] = field(default_factory=dict)  # request ids by the story's names for them

    def __post_init__(self) -> None:
        self.clock = FakeClock(self.now)
        self.quiet = Core(db=self.db, notifier=Quiet(), clock=self.clock, cfg=self.cfg)
        self.live = Core(
            db=self.db,
            notifier=OutboxNotifier(self.clock, locale=self.cfg.bot.default_locale),
            clock=self.clock,
            cfg=self.cfg,
        )

    def day(self, weeks_ago: int, weekday: int, hour: int, minute: int = 0) -> datetime:
        """A wall-clock time of a past week (weekday 0 = Monday)."""
        return self.week0 - timedelta(weeks=weeks_ago) + timedelta(days=weekday, hours=hour, minutes=minute)

    def at(self, when: datetime, step: Step, *, live: bool = False) -> None:
        self.steps.append((when, len(self.steps), live, step))

    def delivered(self, when: datetime, step: Step) -> None:
        """A past step whose messages went out then (a 小喇叭 notice): queued in the outbox and marked
        sent at once, as the sender would have, so its delivery counts are real; nothing is sent today."""

        async def run(_: Core) -> None:
            async with self.db.reading() as s:
                last = await s.scalar(select(func.max(col(OutboxMessage.id))))
            await step(self.live)
            async with self.db.session() as s:
                queued = await s.execute(
                    select(col(OutboxMessage.id)).where(
                        col(OutboxMessage.id) > (last or 0), col(OutboxMessage.status) == OutboxStatus.pending.value
                    )
                )
                await outbox.mark_sent(s, [(i, None) for i in queued.scalars() if i is not None], self.clock.now())

        self.at(when, run)

    async def tell(self) -> None:
        for when, _, live, step in sorted(self.steps, key=lambda s: (s[0], s[1])):
            self.clock.set(when)
            await step(self.live if live else self.quiet)

    # ------------------------------------------------------------ a request's life, step by step
    def asks(self, name: str, when: datetime, who: DemoPerson, category: str, summary: str, **kw: Any) -> None:
        when_kind, on = kw.pop("when_kind", "this_week"), kw.pop("on", None)
        draft = RequestDraft(category, summary, when_kind, on.isoformat() if on else None, address=ADDRESSES[who])

        async def step(core: Core) -> None:
            self.ids[name] = (await create_request(core, who.actor, draft)).id or 0

        self.at(when, step, **kw)

    def takes(self, name: str, when: datetime, volunteer: DemoPerson, **kw: Any) -> None:
        self.at(when, lambda core: claim_task(core, volunteer.actor, self.ids[name]), **kw)

    def starts(self, name: str, when: datetime, volunteer: DemoPerson, **kw: Any) -> None:
        self.at(when, lambda core: start_task(core, volunteer.actor, self.ids[name]), **kw)

    def done(self, name: str, when: datetime, volunteer: DemoPerson, hours: float, note: str = "", **kw: Any) -> None:
        self.at(when, lambda core: report_done(core, volunteer.actor, self.ids[name], hours, note or None), **kw)

    def confirms(self, name: str, when: datetime, who: DemoPerson, **kw: Any) -> None:
        self.at(when, lambda core: confirm_outcome(core, who.actor, self.ids[name], "done"), **kw)

    def rates(self, name: str, when: datetime, who: DemoPerson, stars: int, **kw: Any) -> None:
        self.at(when, lambda core: rate_request(core, who.actor, self.ids[name], stars), **kw)

    def served(
        self,
        name: str,
        when: datetime,
        who: DemoPerson,
        volunteer: DemoPerson,
        what: tuple[str, str],
        *,
        wait: int,
        hours: float,
        stars: int | None,
    ) -> None:
        """Asked, taken `wait` minutes later, done the next day, confirmed and (maybe) rated."""
        self.asks(name, when, who, *what)
        self.takes(name, when + timedelta(minutes=wait), volunteer)
        self.starts(name, when + timedelta(days=1), volunteer)
        self.done(name, when + timedelta(days=1, hours=hours), volunteer, hours)
        self.confirms(name, when + timedelta(days=1, hours=hours + 3), who)
        if stars is not None:
            self.rates(name, when + timedelta(days=1, hours=hours + 3, minutes=2), who, stars)


async def household_ids(db: Database) -> dict[str, int]:
    async with db.reading() as s:
        rows = (await s.execute(select(col(Household.id), col(Household.address)))).all()
    return {a: i for i, a in rows if i is not None}
