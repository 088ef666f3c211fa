"""Where a request's card goes (the grid's volunteer group, else its leaders) and how every posted
copy follows the request: each copy is a RequestCard notice, rendered for its reader (the group's
in the community's default language, a leader's in the leader's).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.notices import Notice
from bot.services.kernel.roles import admins_of, leaders_of
from storage import claims
from storage.card_reads import LeadCopy, Taker, card_audience, lead_ref_prefix
from storage.enums import ChatKind, WhenKind
from storage.models import ChatBinding, Grid, HelpRequest, Person

from .common import taker_name, taker_names
from .facts import CardFacts
from .grid_today import this_year
from .notices import LeadIntro, RequestCard

Edit = tuple[str, RequestCard]  # card ref, the card as it is now
Send = tuple[str, Notice, str | None, bool]  # key, notice, card ref, urgent


async def volunteer_group(session: AsyncSession, grid_id: int) -> int | None:
    return await session.scalar(
        select(col(ChatBinding.chat_id)).where(
            col(ChatBinding.grid_id) == grid_id, col(ChatBinding.kind) == ChatKind.volunteers.value
        )
    )


async def send_lead_copy(
    core: Core,
    session: AsyncSession,
    req: HelpRequest,
    p: Person,
    key: str,
    intro: LeadIntro | None = None,
    *,
    urgent: bool = False,
    takers: list[str] | None = None,
    minutes: int = 0,
    grid: str = "",
) -> bool:
    """A leader's (or admin's) private copy of the card, with a Dispatch button; edited with the card.
    `takers`: their names when the caller knows them (a new request has none)."""
    if p.tg_user_id is None:
        return False
    names = await taker_names(session, req.id or 0) if takers is None else takers
    card = RequestCard(
        chat_id=p.tg_user_id,
        language=p.language,
        card=CardFacts.of(req, this_year(core)),
        takers=tuple(names),
        lead=True,
        intro=intro,
        minutes=minutes,
        grid=grid,
        urgent=urgent,
    )
    return await core.notifier.send(
        session, key, card, card_ref=f"{lead_ref_prefix(req.id or 0)}{p.tg_user_id}", urgent=urgent
    )


UNKNOWN: Any = object()  # post_card's group not read yet (None: the grid has none)


async def post_card(core: Core, session: AsyncSession, req: HelpRequest, group: Any = UNKNOWN) -> str:
    """Post the new card to the grid's volunteer group; with no bound group, to its leaders. Returns
    where it went: 'group', 'leaders' or 'nowhere'. `group`: the volunteer group's chat when the
    caller read it already (see volunteer_group)."""
    if group is UNKNOWN:
        group = await volunteer_group(session, req.grid_id)
    urgent = req.when_kind == WhenKind.urgent.value
    if group is not None:
        await core.notifier.send(
            session,
            f"request-card:{req.id}",
            RequestCard(chat_id=group, card=CardFacts.of(req, this_year(core)), urgent=urgent),
            card_ref=f"request:{req.id}",
            urgent=urgent,
        )
        return "group"
    sent = False
    people = await leaders_of(session, req.grid_id)
    if not people:  # nobody leads the grid yet: the community office sees it
        grid = await session.get(Grid, req.grid_id)
        people = await admins_of(session, grid.community_id) if grid else []
    for leader in people:
        sent |= await send_lead_copy(
            core,
            session,
            req,
            leader,
            f"request-card:{req.id}:lead:{leader.id}",
            LeadIntro.no_group,
            urgent=urgent,
            takers=[],
        )  # new: nobody took it yet
    return "leaders" if sent else "nowhere"


async def card_edits(
    core: Core,
    session: AsyncSession,
    req: HelpRequest,
    *,
    returned: bool = False,
    takers: list[str] | None = None,
    copies: list[LeadCopy] | None = None,
    unit_members: bool = False,
) -> list[Edit]:
    """The edits that bring every posted copy of the card to the request's current state.
    `takers`: their names, oldest first, and `copies`: the leaders' copies, when the caller already
    read them (see taker_names, storage.card_reads); `unit_members`: a unit may hold it though the takers
    given fill every slot taken (some of them are a unit's members)."""
    await session.flush()
    people: list[Taker] = []
    if copies is None or takers is None:
        people, read = await card_audience(session, req.id or 0, with_takers=takers is None)
        copies = read if copies is None else copies
    names = [taker_name(p) for p in people] if takers is None else list(takers)
    # the paired units holding it too (包联单位认领), each with its members on it (named with the unit, not
    # among the volunteers): read unless the takers given fill every slot taken and none is a unit's member
    # (a volunteer's Accept on a request of one place: no statement more on that hot path)
    units: list[tuple[str, tuple[str, ...]]] = []
    if takers is None or unit_members or (req.slots_taken or 0) > len(takers):
        for unit, members in await claims.claiming_units(session, req.id or 0):
            on_it = tuple(taker_name(m) for m in members)
            for name in on_it:
                if name in names:
                    names.remove(name)
            units.append((unit, on_it))
    facts = CardFacts.of(req, this_year(core))
    group = RequestCard(chat_id=0, card=facts, takers=tuple(names), units=tuple(units), returned=returned)
    edits = [(f"request:{req.id}", group)]
    for ref, _chat_id, language in copies:
        edits.append((ref, replace(group, language=language, lead=True)))
    return edits


async def queue(core: Core, session: AsyncSession, sends: list[Send], edits: list[Edit]) -> None:
    """The sends, then the edits, in as few statements as the notifier can."""
    await core.notifier.queue(session, list(sends), list(edits))


async def refresh_cards(core: Core, session: AsyncSession, req: HelpRequest, *, returned: bool = False) -> None:
    """Edit every posted copy of the card in place to the request's current state."""
    await queue(core, session, [], await card_edits(core, session, req, returned=returned))
