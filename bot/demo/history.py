"""The demo's past four weeks and this week so far: requests asked, taken, done, rated, cancelled,
closed and referred elsewhere, one escalated at night; Friday door visits; a stairwell clean-up day
with its attendance. Told quietly (nothing of it is sent today)."""

from __future__ import annotations

from datetime import timedelta

from bot.services.events import create_event, mark_attendance, sign_up
from bot.services.kernel.core import Core
from bot.services.requests import cancel_request, close_request, escalate_overdue, mark_out_of_scope
from bot.services.visits import log_door_visit

from .cast import ALICE, CHEN, GRANNY, HOUSEHOLDS, LEADER, LIU, TOM, WANG, ZHANG, DemoPerson
from .story import Step, Story

WEEKS = 4
ASKED = [  # (category, summary) of the Monday and the Wednesday requests, a pair a week, oldest first
    (("repairs", "卫生间灯泡坏了，够不着换"), ("errands", "Could someone pick up my parcel from the locker?")),
    (("paperwork", "Help filling in the community health form, please"), ("elder_care", "想请人陪我去公园走走")),
    (("errands", "帮忙买一袋米扛上楼"), ("repairs", "The balcony door does not close properly")),
    (("elder_care", "Keep my grandmother company on Wednesday afternoon"), ("paperwork", "帮我在手机上预约挂号")),
]
SECOND_GRID = [
    ("other", "想学用手机和孙子视频"),
    ("errands", "帮忙取一下降压药"),
    ("repairs", "窗户关不严，漏风"),
    ("paperwork", "帮忙在网上续办老年卡"),
]
WAITS = [(12, 95), (35, 20), (22, 40), (55, 15)]  # minutes until taken
STARS = [(5, 5), (4, None), (5, 4), (3, 5)]
VISIT_NOTES = ["身体不错，聊了半小时", "血压正常，叮嘱按时吃药", "作业写完了，奶奶说最近睡得好", "轮椅刹车修好了"]


def tell_history(st: Story, households: dict[str, int], people: dict[int, int], grid_id: int) -> None:
    volunteers = [ZHANG, WANG, TOM]
    for k in range(WEEKS, 0, -1):
        i = WEEKS - k
        first, second = (GRANNY, ALICE) if i % 2 == 0 else (ALICE, GRANNY)
        st.served(
            f"w{k}a",
            st.day(k, 0, 9, 10),
            first,
            volunteers[k % 3],
            ASKED[i][0],
            wait=WAITS[i][0],
            hours=1.5,
            stars=STARS[i][0],
        )
        st.served(
            f"w{k}b",
            st.day(k, 2, 10, 30),
            second,
            volunteers[(k + 1) % 3],
            ASKED[i][1],
            wait=WAITS[i][1],
            hours=2,
            stars=STARS[i][1],
        )
        st.served(  # the second grid: 刘大爷 and the courier volunteer
            f"w{k}g",
            st.day(k, 1, 9),
            LIU,
            CHEN,
            SECOND_GRID[i],
            wait=[30, 75, 20, 45][i],
            hours=1,
            stars=[5, 4, 5, 4][i],
        )
        _visits(st, k, households)
    _ended(st)
    _escalated(st)
    _clean_up_day(st, people, grid_id)
    _this_week(st, households)


def _visits(st: Story, k: int, households: dict[str, int]) -> None:
    """Friday door visits (周五入户): every paired household, but 王志愿 missed last week."""
    for n, (_, address, _, _, volunteer) in enumerate(HOUSEHOLDS):
        if k == 1 and volunteer is WANG:
            continue
        outcome, flags, note = "met", [], VISIT_NOTES[n]
        if k == 3 and volunteer is WANG:
            outcome, note = "not_home", "敲门没人应，邻居说去女儿家了"
        if k == 2 and volunteer is TOM:
            outcome, flags, note = "needs_help", ["no_heating"], "暖气片不热，奶奶说晚上很冷"
        step = _visit(volunteer, households[address], outcome, note, flags)
        st.at(st.day(k, 4, 10, 40 * n), step)


def _visit(volunteer: DemoPerson, household: int, outcome: str, note: str, flags: list[str]) -> Step:
    async def step(core: Core) -> None:
        await log_door_visit(core, volunteer.actor, household, outcome, note, flags)

    return step


def _ended(st: Story) -> None:
    """A request the resident cancelled, one the leader closed, one referred to the property office."""
    st.asks("cancelled", st.day(3, 3, 8), ALICE, "moving", "Move a wardrobe to the second floor")
    st.at(st.day(3, 3, 9, 30), lambda core: cancel_request(core, ALICE.actor, st.ids["cancelled"]))
    st.asks("closed", st.day(4, 3, 8), GRANNY, "other", "楼下有人乱停车堵了单元门")
    st.at(st.day(4, 3, 9), lambda core: close_request(core, LEADER.actor, st.ids["closed"], "已请物业协调，车已挪走"))
    st.asks("referred", st.day(2, 3, 8), GRANNY, "health", "楼道的灯一直闪，晚上看不清台阶")
    st.at(
        st.day(2, 3, 9),
        lambda core: mark_out_of_scope(core, LEADER.actor, st.ids["referred"], "property", "公共照明归物业维修"),
    )


def _escalated(st: Story) -> None:
    """Saturday night nobody took it for over an hour: the leader was told (催办), then Tom took it."""
    when = st.day(1, 5, 20)
    st.asks(
        "night",
        when,
        ALICE,
        "health",
        "Someone to go with me to the hospital check-up on Sunday",
        when_kind="date",
        on=(when + timedelta(days=1)).date(),
    )
    st.at(when + timedelta(minutes=70), escalate_overdue)
    st.takes("night", when + timedelta(minutes=95), TOM)
    st.starts("night", when + timedelta(hours=13), TOM)
    st.done("night", when + timedelta(hours=16), TOM, 3, "Check-up went well")
    st.confirms("night", when + timedelta(hours=18), ALICE)
    st.rates("night", when + timedelta(hours=18, minutes=1), ALICE, 5)


def _clean_up_day(st: Story, people: dict[int, int], grid_id: int) -> None:
    """The leader's stairwell clean-up day two Saturdays ago; two came, Tom did not."""
    starts = st.day(2, 5, 9)

    async def plan(core: Core) -> None:
        made = await create_event(
            core,
            LEADER.actor,
            title="楼道清洁日",
            starts_at=starts,
            place="滨江路 12 号小区广场",
            slots=6,
            grid_id=grid_id,
        )
        st.ids["clean-up"] = made.event.id or 0

    st.at(st.day(3, 0, 10), plan)
    for n, v in enumerate((ZHANG, WANG, TOM)):
        st.at(st.day(3, 2, 12, n), _signs_up(st, v))
        st.at(starts + timedelta(hours=2, minutes=n), _attended(st, people[v.tg_user_id], came=v is not TOM))


def _signs_up(st: Story, volunteer: DemoPerson) -> Step:
    async def step(core: Core) -> None:
        await sign_up(core, volunteer.actor, st.ids["clean-up"])

    return step


def _attended(st: Story, person_id: int, *, came: bool) -> Step:
    async def step(core: Core) -> None:
        await mark_attendance(core, LEADER.actor, st.ids["clean-up"], person_id, came)

    return step


def _this_week(st: Story, households: dict[str, int]) -> None:
    """Since Monday: one request done and rated, one door visit already made (the rest are due Friday)."""
    span = st.now - st.week0
    t = st.week0 + span * 0.1
    st.asks("week", t, GRANNY, "paperwork", "帮我在手机上交医保")
    st.takes("week", t + span * 0.05, ZHANG)
    st.starts("week", t + span * 0.1, ZHANG)
    st.done("week", t + span * 0.3, ZHANG, 1, "已经交好了，截图发给了女儿")
    st.confirms("week", t + span * 0.35, GRANNY)
    st.rates("week", t + span * 0.36, GRANNY, 5)
    tom_home = households[HOUSEHOLDS[2][1]]
    st.at(t + span * 0.5, lambda core: log_door_visit(core, TOM.actor, tom_home, "met", "小明期中考试考得不错"))
