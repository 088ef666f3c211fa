"""The demo's last days, told with the outbox notifier: what still waits for someone when the
sandbox opens. A done task its resident never confirmed (the leader is asked), one waiting for
Alice's confirmation, a task taken and one under way, an open request escalated (催办) to the
leader and the admins, a fresh wish on the board, a volunteer's application (双报到) waiting for
the leader, and next Saturday's service day with its first sign-ups."""

from __future__ import annotations

from datetime import timedelta

from bot.services.events import create_event, sign_up
from bot.services.kernel.core import Core
from bot.services.people import submit_signup
from bot.services.requests import auto_confirm_due, escalate_overdue

from .cast import ADMIN, ALICE, APPLICANT, CHEN, GRANNY, LIU, TOM, WANG, ZHANG
from .story import Story


def tell_today(st: Story, grid_id: int, community_id: int) -> None:
    now = st.now
    live = {"live": True}
    st.asks("unconfirmed", now - timedelta(hours=74), GRANNY, "elder_care", "周五上午想请人陪我去菜市场", **live)
    st.takes("unconfirmed", now - timedelta(hours=73, minutes=35), WANG, **live)
    st.starts("unconfirmed", now - timedelta(hours=72), WANG, **live)
    st.done("unconfirmed", now - timedelta(hours=70), WANG, 2, "买了菜和鸡蛋，送到家了", **live)
    st.at(now - timedelta(minutes=3), auto_confirm_due, **live)  # two days on: the leader is asked to confirm

    st.asks(
        "to-confirm", now - timedelta(hours=5), ALICE, "errands", "Buy my blood-pressure pills at the pharmacy", **live
    )
    st.takes("to-confirm", now - timedelta(hours=4, minutes=50), TOM, **live)
    st.starts("to-confirm", now - timedelta(hours=3), TOM, **live)
    st.done("to-confirm", now - timedelta(hours=1), TOM, 1.5, "Left them with your neighbour at 1203", **live)

    st.asks("taken", now - timedelta(hours=2), GRANNY, "repairs", "厨房水龙头一直滴水", **live)
    st.takes("taken", now - timedelta(hours=1, minutes=40), ZHANG, **live)
    st.asks("under-way", now - timedelta(hours=6), LIU, "paperwork", "帮我在手机上办老年卡年审", **live)
    st.takes("under-way", now - timedelta(hours=5), CHEN, **live)
    st.starts("under-way", now - timedelta(hours=4), CHEN, **live)

    st.asks(
        "overdue",
        now - timedelta(hours=6),
        ALICE,
        "health",
        "Someone to go with me to the clinic for a flu shot",
        **live,
    )
    st.at(now - timedelta(minutes=2), escalate_overdue, **live)
    st.asks("wish", now - timedelta(minutes=20), GRANNY, "micro_wish", "微心愿：想要一台收音机听戏", **live)

    draft = {
        "consent": True,
        "name": "赵小新",
        "phone": "13800138000",
        "grid_id": grid_id,
        "work_group": "youth",
        "party_member": False,
        "skills": ["tutoring", "transport"],
        "availability": "工作日晚上、周末全天",
    }
    st.at(now - timedelta(hours=3), lambda core: submit_signup(core, APPLICANT.actor, draft), **live)

    saturday = st.week0 + timedelta(days=5, hours=9)
    if saturday <= now + timedelta(hours=12):
        saturday += timedelta(weeks=1)

    async def plan(core: Core) -> None:
        made = await create_event(
            core,
            ADMIN.actor,
            title="社区志愿服务日：便民理发、量血压",
            starts_at=saturday,
            place="滨江社区党群服务中心",
            slots=8,
            community_id=community_id,
            kind="service_day",
        )
        st.ids["service-day"] = made.event.id or 0

    st.at(now - timedelta(days=1), plan, **live)
    st.at(now - timedelta(hours=20), lambda core: sign_up(core, ZHANG.actor, st.ids["service-day"]), **live)
    st.at(now - timedelta(hours=10), lambda core: sign_up(core, CHEN.actor, st.ids["service-day"]), **live)
