"""The programme around the demo's first grid, set up through the services a week before the history
starts: the paired unit 区税务局 (包联单位) with its contact and two members, the grid's buildings
(楼栋) with their households and a building head, the community's departments (吹哨); then the
care plan of 王奶奶's household with its weekly blood-pressure checks (one missed), and the leader's
小喇叭 notice before the stairwell clean-up day, delivered then. Told quietly, but for this week's
check, which comes to 张志愿's chat."""

from __future__ import annotations

from datetime import date, timedelta

from bot.services.buildings import add_buildings, grant_head, grid_buildings, move_household
from bot.services.care import care_work, create_plan, mark_done, run_day
from bot.services.kernel.core import Core
from bot.services.loudspeaker import GRID, refresh_deliveries, send_announcement
from bot.services.people import update_profile
from bot.services.referrals import add_department
from bot.services.units import save_unit

from .cast import ADMIN, BUILDINGS, HOUSEHOLDS, LEADER, SUN, TOM, UNIT, WANG, ZHANG, DemoPerson
from .history import WEEKS
from .story import Step, Story

DEPARTMENTS = ["街道城管科", "区民政局"]  # both reached by phone (offline): the admin records their answers
HEAD_OF = "12号3栋"  # the building WANG heads: 王奶奶's, whose paired volunteer is 张志愿
CARE_WHAT = "量血压，问问药按时吃了没有、睡得好不好"
CARE_DAY = 2  # Wednesdays
CARE_NOTES = {
    3: "血压 135/85，精神好",
    1: "血压 128/80，药都按时吃了，说这周睡得好",
    0: "血压 130/82，女儿周末要来看她",
}
NOTICE = (
    "本周六上午 9 点是楼道清洁日：请各家把堆在楼道里的纸箱、旧家具收回家，或放到楼下指定位置。"
    "志愿者 8:45 在滨江路 12 号小区广场集合，工具由社区准备。谢谢大家！"
)


def tell_programme(st: Story, community_id: int, grid_id: int, households: dict[str, int]) -> None:
    _set_up(st, grid_id, households)
    _care(st, community_id, households[HOUSEHOLDS[0][1]])
    _notice(st, grid_id)


def _set_up(st: Story, grid_id: int, households: dict[str, int]) -> None:
    monday = st.day(WEEKS + 1, 0, 10)

    async def unit(core: Core) -> None:  # paired at once: the admin administers one community
        st.ids["unit"] = (await save_unit(core, ADMIN.actor, UNIT, SUN.tg_user_id)).id

    st.at(monday, unit)
    for n, member in enumerate((ZHANG, TOM)):  # they choose the unit in their profile (/profile)
        st.at(monday + timedelta(hours=3, minutes=n), _joins(st, member))

    async def buildings(core: Core) -> None:
        await add_buildings(core, LEADER.actor, grid_id, "\n".join(BUILDINGS))
        ids = {name: bid for bid, name in await grid_buildings(core, LEADER.actor, grid_id)}
        for name, address in BUILDINGS.items():
            await move_household(core, LEADER.actor, households[address], ids[name])
        await grant_head(core, LEADER.actor, WANG.tg_user_id, HEAD_OF)

    st.at(monday + timedelta(days=1), buildings)

    async def departments(core: Core) -> None:
        for name in DEPARTMENTS:
            await add_department(core, ADMIN.actor, name, None)

    st.at(monday + timedelta(days=2), departments)


def _joins(st: Story, member: DemoPerson) -> Step:
    async def step(core: Core) -> None:
        await update_profile(core, member.actor, "unit", st.ids["unit"])

    return step


def _care(st: Story, community_id: int, household: int) -> None:
    """Set up three weeks ago; each Wednesday at 07:00 the day's check comes to 张志愿 (the daily
    job's run_day), who marks it done that afternoon with a note; two weeks ago he did not, and the
    next run flagged it to the leader as missed. This week's, if its day has come, comes to his chat."""

    async def plan(core: Core) -> None:
        await create_plan(core, LEADER.actor, household, CARE_WHAT, weekday=CARE_DAY)

    st.at(st.day(3, 0, 11), plan)
    for k in (3, 2, 1, 0):
        day = st.day(k, CARE_DAY, 0)
        morning, afternoon = day + timedelta(hours=7), day + timedelta(hours=16)
        if morning > st.now:
            break
        live = st.now - morning < timedelta(days=3)
        st.at(morning, _run_day(community_id, day.date()), live=live)
        if k != 2 and afternoon <= st.now:
            st.at(afternoon, _checked(day.date(), CARE_NOTES[k]), live=live)


def _run_day(community_id: int, day: date) -> Step:
    async def step(core: Core) -> None:
        await run_day(core, community_id, day)

    return step


def _checked(day: date, note: str) -> Step:
    async def step(core: Core) -> None:
        task = next(t for t in (await care_work(core, ZHANG.actor)).due if t.day == day)
        await mark_done(core, ZHANG.actor, task.task_id, note)

    return step


def _notice(st: Story, grid_id: int) -> None:
    """Two Thursdays ago, the leader told the grid's residents and volunteers (and their groups) of
    Saturday's clean-up day; every message arrived, and the watcher's next round kept the figures."""
    when = st.day(2, 3, 18)

    async def send(core: Core) -> None:
        await send_announcement(
            core, LEADER.actor, kind=GRID, place_id=grid_id, audience="both", urgent=False, text=NOTICE
        )

    st.delivered(when, send)
    st.at(when + timedelta(minutes=5), refresh_deliveries)
