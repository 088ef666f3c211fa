"""Help from outside the grid: the paired unit 区税务局 claims requests for itself (包联单位认领) and puts a
member on them, and the community forwards what it cannot solve to a department (吹哨). Two weeks
ago the unit took Alice's tax return (Tom did it) and the admin forwarded the cold flat that Tom's
door visit found to 街道城管科, which answered; today the unit has claimed 王奶奶's boxes and its
contact has still to choose who goes, and her blocked pavement waits for 街道城管科's answer."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.services.kernel.core import Core
from bot.services.meetings import items_in
from bot.services.referrals import decide, departments, forward, forward_item
from bot.services.requests import assign_member, claim_for_unit, mark_out_of_scope
from storage.enums import ReferralStatus

from .cast import ADMIN, ALICE, GRANNY, LEADER, SUN, TOM
from .story import Story

CITY = "街道城管科"  # 供热 and the pavements are theirs
HEATING_ANSWER = "供热公司周一上门给暖气片排了气，室温回到 20 度；社区已回访。"


def tell_upward(st: Story, people: dict[int, int], grid_id: int) -> None:
    _tax_return(st, people)
    _boxes(st)
    _cold_flat(st, grid_id)
    _pavement(st)


def _tax_return(st: Story, people: dict[int, int]) -> None:
    when = st.day(2, 1, 19)
    st.asks("tax", when, ALICE, "paperwork", "Could someone help me file my annual income tax return in the app?")
    _unit_takes(st, "tax", when + timedelta(minutes=35), people[TOM.tg_user_id])
    st.starts("tax", when + timedelta(days=1), TOM)
    st.done("tax", when + timedelta(days=1, hours=1), TOM, 1, "Filed it together; the refund comes within a month")
    st.confirms("tax", when + timedelta(days=1, hours=3), ALICE)
    st.rates("tax", when + timedelta(days=1, hours=3, minutes=2), ALICE, 5)


def _boxes(st: Story) -> None:
    """Claimed for the unit an hour and a half ago; its contact has still to choose who goes (the
    claim's card with a button per member waits in his chat)."""
    when = st.now - timedelta(hours=2)
    st.asks("boxes", when, GRANNY, "errands", "阳台上攒了一堆旧纸箱，想请人帮忙搬到楼下回收点", live=True)
    _unit_takes(st, "boxes", when + timedelta(minutes=25), None, live=True)


def _unit_takes(st: Story, name: str, when: datetime, member: int | None, *, live: bool = False) -> None:
    """The unit's contact claims the request for the unit, then puts a member on it (None: not yet)."""

    async def claim(core: Core) -> None:
        st.ids[f"{name}-claim"] = (await claim_for_unit(core, SUN.actor, st.ids[name])).claim_id

    async def assign(core: Core) -> None:
        assert member is not None
        await assign_member(core, SUN.actor, st.ids[f"{name}-claim"], member)

    st.at(when, claim, live=live)
    if member is not None:
        st.at(when + timedelta(minutes=10), assign, live=live)


async def _city(core: Core) -> int:
    return next(d.id for d in await departments(core, ADMIN.actor) if d.name == CITY)


def _cold_flat(st: Story, grid_id: int) -> None:
    """Tom's door visit two Fridays ago found the radiators cold: the admin forwarded the meeting
    item to 街道城管科 the next day; its answer, recorded by the admin, closed the item."""

    async def send(core: Core) -> None:
        item = next(i for i in await items_in(core, [grid_id]) if "no_heating" in i.flags)
        sent = await forward_item(core, ADMIN.actor, item.id, await _city(core), address=True, phone=False, days=3)
        st.ids["heating"] = sent.referral_id

    st.at(st.day(2, 5, 15), send)

    async def answer(core: Core) -> None:  # offline: the admin records what the department said on the phone
        await decide(core, ADMIN.actor, st.ids["heating"], ReferralStatus.answered, HEATING_ANSWER)

    st.at(st.day(1, 1, 11), answer)


def _pavement(st: Story) -> None:
    """Yesterday: 王奶奶's pavement is blocked by shared bikes; the leader marks it the street's, and
    the admin forwards it to 街道城管科 with three days to answer (it waits on /departments)."""
    when = st.now - timedelta(hours=30)
    st.asks("pavement", when, GRANNY, "other", "楼下人行道停满了共享单车，推着买菜车过不去", live=True)

    async def out_of_scope(core: Core) -> None:
        await mark_out_of_scope(core, LEADER.actor, st.ids["pavement"], "street", "占道归街道城管，社区转给街道")

    async def send(core: Core) -> None:
        await forward(core, ADMIN.actor, st.ids["pavement"], await _city(core), address=True, phone=False, days=3)

    st.at(when + timedelta(minutes=45), out_of_scope, live=True)
    st.at(when + timedelta(hours=2), send, live=True)
