"""Old buttons. A button whose moment has passed (a step already answered, a conversation over, a
task taken or done, a decision made, an event or call-up over, a message replaced) answers in one
line, takes its keyboard off the pressed message and changes nothing. Every codec the views declare
is walked here (or named as one whose buttons never go stale, with the reason)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.services.kernel.periods import iso_week
from bot.services.kernel.roles import Actor
from bot.services.requests import claim_task, confirm_outcome, create_request, rate_request, report_done, start_task
from bot.services.requests.intake import RequestDraft
from storage.enums import VolunteerStatus
from storage.models import (
    CarePlan,
    CareTask,
    Department,
    DoorVisit,
    Emergency,
    Event,
    EventSignup,
    Pairing,
    Person,
    Unit,
    UnitClaim,
    VisitIssue,
    VolunteerProfile,
)
from tests.support import factories as f
from tests.support.stale import every_codec, press_old
from tests.support.town import log_visit
from tests.support.waiting import settle

# buttons that do the same whenever they are pressed: they show or page through what is there now
EVERGREEN = {
    "people.callbacks.MENU_REQUEST": "the main menu stays usable",
    "people.callbacks.MENU_VOLUNTEER": "the main menu stays usable",
    "people.callbacks.MENU_GRID": "the main menu stays usable",
    "people.callbacks.MENU_HELP": "the main menu stays usable",
    "people.callbacks.VOL_LIST_PAGE": "a page of the roster as it is now",
    "requests.callbacks.TASK_SHOW": "the task's details as they are now",
    "requests.callbacks.BOARD_REQUEST": "the request as it is now, for the leader",
    "requests.callbacks.MY_LIST": "the resident's requests as they are now",
    "requests.callbacks.MY_SHOW": "one of them as it is now",
    "places.callbacks.HH_LIST": "a page of the grid's households as they are now",
    "points.BOARD": "the leaderboard as it is now",
    "digests.DIGEST_SHOW": "a week's digest, read again",
    "visits.INFO": "a household's details as they are now",
    "visits.LEDGER": "a household's ledger as it is now",
    "visits.LEDGER_PAGE": "a page of it",
    "visits.MINE_PAGE": "a page of /visits",
    # lists page by page: a page of the list as it is now
    "people.callbacks.PICK_SU_COMMUNITY": "a page of the communities as they are now",
    "people.callbacks.RES_COMMUNITIES_PAGE": "a page of the communities as they are now",
    "people.callbacks.RES_COMMUNITY_PAGE": "a page of a community's grids as they are now",
    "places.callbacks.PICK_NEW_GRID": "a page of the communities as they are now",
    "places.callbacks.PICK_ADD_ADMIN": "a page of the communities as they are now",
    "places.callbacks.PICK_ADMINS_OF": "a page of the communities as they are now",
    "places.callbacks.PICK_SET_LEADER": "a page of the grids as they are now",
    "places.callbacks.PICK_LEADERS_OF": "a page of the grids as they are now",
    "places.callbacks.PICK_BIND[v]": "a page of the grids as they are now",
    "places.callbacks.PICK_BIND[r]": "a page of the grids as they are now",
    "places.callbacks.PICK_LIST_GRID": "a page of the grids as they are now",
    "places.callbacks.PICK_ADD_GRID": "a page of the grids as they are now",
    "places.callbacks.PICK_PAIR_GRID": "a page of the grids as they are now",
    "places.callbacks.PICK_UNPAIR_GRID": "a page of the grids as they are now",
    "places.callbacks.PICK_PAIR_VOLUNTEER": "a page of the grid's volunteers as they are now",
    "places.callbacks.PICK_UNPAIR_VOLUNTEER": "a page of the grid's volunteers as they are now",
    "people.callbacks.RES_COMMUNITY": "a community's grids as they are now",
    "places.callbacks.PLC_LEADERS_OF": "a grid's leaders as they are now",
    "places.callbacks.PLC_ADMINS_OF": "a community's admins as they are now",
    "events.ROLL": "the event's roster as it is now",
    "wishes.WISH_PAGE": "a page of the wish wall as it is now",
    "certificates.CERT_PERIOD": "a certificate of the period as the ledger is now",
    # beginnings: they start afresh from what is there now (the role checked again)
    "people.callbacks.PF_SHOW": "the profile as it is now",
    "people.callbacks.PF_SKILLS": "the profile's skills as they are now",
    "people.callbacks.PF_WORK_GROUPS": "the profile's groups as they are now",
    "people.callbacks.PF_LEAVE": "asks whether to leave",
    "people.callbacks.PF_EDIT": "begins an edit of the profile as it is now",
    "places.callbacks.HH_ADD": "begins adding a household",
    "places.callbacks.HH_PAIR_GRID": "begins pairing in a grid",
    "places.callbacks.HH_UNPAIR_GRID": "begins unpairing in a grid",
    "places.callbacks.HH_PAIR_VOLUNTEER": "begins choosing a volunteer's households",
    "places.callbacks.HH_UNPAIR_VOLUNTEER": "a volunteer's pairings as they are now",
    # settings that say what they set: pressed later, they set just that (the profile checked again)
    "people.callbacks.PF_PARTY": "sets the party flag to the value the button shows",
    "people.callbacks.PF_SHOCK": "sets the shock-team flag to the value the button shows",
    "people.callbacks.PF_SKILL": "toggles one skill of the profile as it is now",
    "people.callbacks.PF_WORK_GROUP": "sets the group the button shows",
    "people.callbacks.PF_UNITS": "the units paired with the volunteer's community as they are now",
    "people.callbacks.PF_UNIT": "sets the unit the button shows (still paired: checked on the press)",
    "people.callbacks.PF_NO_UNIT": "sets no unit",
    "units.UNIT_PAIR": "sets the pairing to the value the button shows",
    "units.UNIT_SHOW": "the unit's task as it is now, for its contact (no buttons once the claim is over)",
    "units.UNIT_REPORT": "the unit's report of the month as the ledger is now, for its contact as it is now",
    "people.callbacks.RES_GRID": "sets where the resident lives to the grid the button shows",
    "people.callbacks.PRIVACY_KEEP": "keeps everything: nothing to change",
    "meetings.NEXT": "the next open item of the meeting's list as it is now",
    "meetings.SHOW": "the meeting's item as it is now",
    "honour.OPT": "sets the choice the button shows: left off the honour list, or back on it",
    "loudspeaker.MUTE": "sets the reader's choice the button shows: notices muted, or heard again",
    "loudspeaker.MUTE_SCREEN": "the same under /notices, which then says the choice as it is now",
    "care.HOUSEHOLD": "begins a care plan for the household as it is now",
    "care_plans.PLAN": "the care plan's card as it is now",
    "buildings.BLD_LIST": "the leader's buildings as they are now",
    "buildings.BLD_ADD": "begins adding buildings to the grid (the leader checked again)",
    "buildings.BLD_HOUSEHOLD": "the household's building picker as its grid's buildings are now",
    "departments.DEP_SHOW": "a department as it is now, with what can be done to it now",
}


@dataclass
class Old:
    """An old button: who presses it, its data once things moved on, in which chat."""

    who: str  # resident, leader, admin, vol1, vol2
    data: Callable[[dict[str, int]], str]
    group: bool = False  # on the grid's volunteer group (else the presser's private chat)


def old(who: str, *values: object, group: bool = False) -> Callable[[str], Old]:
    """The codec's data with `values`; a str value naming an id (`{r}`) is read from the world."""

    def make(name: str) -> Old:
        codec = CODECS[name]

        def data(ids: dict[str, int]) -> str:
            return codec.data(*(ids[v[1:-1]] if isinstance(v, str) and v.startswith("{") else v for v in values))

        return Old(who, data, group)

    return make


CODECS = every_codec()
_OLD = {
    # 点单: the resident's conversation is over (the request was sent)
    "requests.callbacks.REQ_CATEGORY": old("resident", "repairs"),
    "requests.callbacks.REQ_WHEN": old("resident", "today"),
    "requests.callbacks.REQ_TOMORROW": old("resident"),
    "requests.callbacks.REQ_SLOTS": old("leader", 2),
    "requests.callbacks.REQ_SEND": old("resident"),
    "requests.callbacks.REQ_RESTART": old("resident"),
    "requests.callbacks.REQ_CANCEL": old("resident"),
    # 接单 on a request done, confirmed and rated ({r})
    "requests.callbacks.TASK_ACCEPT": old("vol2", "{r}", group=True),
    "requests.callbacks.TASK_UNIT_CLAIM": old("vol2", "{r}", group=True),
    "units.UNIT_ASSIGN": old("admin", "{uc}", "{v2}"),
    "units.UNIT_RELEASE": old("admin", "{uc}"),
    "requests.callbacks.TASK_START": old("vol1", "{r}"),
    "requests.callbacks.TASK_DONE": old("vol1", "{r}"),
    "requests.callbacks.TASK_RELEASE": old("vol1", "{r}"),
    "requests.callbacks.TASK_HOURS": old("vol1", "1"),
    "requests.callbacks.TASK_NOTE_SKIP": old("vol1", "skip"),
    "requests.callbacks.TASK_PHOTOS": old("vol1", "done"),
    # 微心愿墙: Take on it (no wish any more, and done)
    "wishes.WISH_TAKE": old("vol2", "{r}", 0, 0),
    "wishes.WISH_UNIT": old("vol2", "{r}", 0, 0),  # and a unit's claim from the wall
    # 派单 on it
    "requests.board.BOARD_PICK": old("leader", "{r}"),
    "requests.callbacks.BOARD_TO": old("leader", "{r}", "{v2}"),
    "requests.board.BOARD_REASSIGN": old("leader", "{r}"),
    "requests.board.BOARD_REASSIGN_FROM": old("leader", "{r}", "{v1}"),
    "requests.callbacks.BOARD_REASSIGN_TO": old("leader", "{r}", "{v1}", "{v2}"),
    "requests.board.BOARD_REASSIGN_UNIT": old("leader", "{r}", "{uc}"),  # the unit's claim on it is over too
    "requests.board.BOARD_REASSIGN_UNIT_TO": old("leader", "{r}", "{uc}", "{v2}"),
    "requests.board.BOARD_UNIT_BACK": old("leader", "{r}", "{uc}"),
    "requests.board.BOARD_OUT_OF_SCOPE": old("leader", "{r}"),
    "requests.board.BOARD_REFERRAL": old("leader", "{r}", "hotline"),
    "requests.board.BOARD_DUPLICATE": old("leader", "{r}"),
    "requests.board.BOARD_DUPLICATE_OF": old("leader", "{r}", "{r}"),
    "requests.callbacks.BOARD_NOT_DUPLICATE": old("leader", "{r}"),
    "requests.board.BOARD_CONFIRM": old("leader", "{r}"),
    "requests.board.BOARD_CLOSE": old("leader", "{r}"),
    # 评单 and /my on it
    "requests.callbacks.MY_CANCEL": old("resident", "{r}"),
    "requests.callbacks.MY_CANCEL_YES": old("resident", "{r}"),
    "requests.callbacks.RATE_OUTCOME": old("resident", "{r}", "done"),
    "requests.callbacks.RATE_STARS": old("resident", "{r}", 4),
    "requests.callbacks.RATE_SKIP": old("resident", "{r}"),
    "requests.callbacks.RELAY_TO_RESIDENT": old("vol1", "{r}"),
    "requests.callbacks.RELAY_TO_VOLUNTEER": old("resident", "{r}", "{v1}"),
    # volunteers: decisions made ({p2} approved, {pd} declined); sign-up and /profile conversations over
    "people.callbacks.VOL_APPROVE": old("leader", "{p2}"),
    "people.callbacks.VOL_DECLINE": old("leader", "{p2}"),
    "people.callbacks.VOL_SUSPEND": old("leader", "{pd}"),
    "people.callbacks.VOL_REINSTATE": old("leader", "{pd}"),
    "people.callbacks.SU_COMMUNITY": old("resident", "{com}"),
    "people.callbacks.SU_GRID": old("resident", "{ga}"),
    "people.callbacks.SU_BACK": old("resident"),
    "people.callbacks.SU_WORK_GROUP": old("resident", "retired"),
    "people.callbacks.SU_PARTY": old("resident", 1),
    "people.callbacks.SU_SKILL": old("resident", "done"),
    "people.callbacks.SU_CONSENT": old("resident", 1),
    "people.callbacks.SU_SEND": old("resident"),
    "people.callbacks.SU_STOP": old("resident"),
    "people.callbacks.SU_UNIT": old("resident", "{com}"),
    "people.callbacks.SU_NO_UNIT": old("resident"),
    "people.callbacks.PICK_SU_GRID": old("resident", 0),
    "people.callbacks.PF_LEAVE_YES": old("declined", "yes"),
    # /grid: where the resident lives, answered already
    # /forgetme, asked ten days ago
    "people.callbacks.PRIVACY_ERASE": old("resident", "{tg_resident}", "{stamp_old}"),
    # set-up: conversations over, decisions made ({v2} is no leader, no admin)
    "places.callbacks.PLC_NEW_GRID": old("admin", "{com}"),
    "places.callbacks.PLC_SET_LEADER": old("admin", "{ga}"),
    "places.callbacks.PLC_ADD_ADMIN": old("admin", "{com}"),
    "places.callbacks.PLC_REMOVE_LEADER": old("admin", "{ga}", "{v2}"),
    "places.callbacks.PLC_REMOVE_ADMIN": old("admin", "{com}", "{v2}"),
    "places.callbacks.GRP_KIND": old("leader", "v", group=True),
    "places.callbacks.GRP_BIND": old("leader", "{ga}", "v", group=True),
    "places.callbacks.HH_ADD_GRID": old("leader", "{ga}"),
    "places.callbacks.HH_FLAG": old("leader", "done"),
    "places.callbacks.HH_SAVE": old("leader"),
    "places.callbacks.HH_STOP": old("leader"),
    "places.callbacks.HH_TOGGLE": old("leader", "{hh}"),
    "places.callbacks.HH_PAGE": old("leader", 0),
    "places.callbacks.HH_PAIR_DONE": old("leader"),
    "places.callbacks.HH_UNPAIR": old("leader", "{gone_pairing}"),
    # 楼栋长: the head was removed already (no such head any more)
    "buildings.BLD_REMOVE_HEAD": old("leader", 987654),
    "buildings.BLD_HEAD_ASK": old("leader", 987654),
    # 楼栋长 picked with buttons: the building was removed already (its picker and its volunteers' buttons)
    "buildings.BLD_HEAD_PICK": old("leader", 987654, 0),
    "buildings.BLD_HEAD_SET": old("leader", 987654, "{vol2_person}"),
    # 楼栋: the building was removed already (no such building any more); /addhousehold's run is over
    "buildings.BLD_SHOW": old("leader", 987654),
    "buildings.BLD_RENAME": old("leader", 987654),
    "buildings.BLD_REMOVE": old("leader", 987654),
    "buildings.BLD_REMOVE_YES": old("leader", 987654),
    "buildings.BLD_MOVE": old("leader", "{hh}", 987654),
    "places.callbacks.HH_BUILDING": old("leader", 0),
    # 吹哨: the request ({r}) is over, nothing to forward; the department's buttons: no such referral
    "referrals.WH_DEPT": old("admin", "{r}", 1),
    "referrals.WH_SET": old("admin", "{r}", 1, 3, 7),
    "referrals.WH_SEND": old("admin", "{r}", 1, 0, 3),
    "referrals.WH_ACCEPT": old("admin", 987654),
    "referrals.WH_ANSWER": old("admin", 987654),
    "referrals.WH_BACK": old("admin", 987654),
    "referrals.WH_SKIP": old("admin", 987654),  # a hand-back's Skip: no such referral
    "referrals.WH_REQUEST": old("admin", "{r}"),  # the request card's 🏛: the request is over
    # 吹哨 of a meeting item: the item ({issue}) is closed, nothing to forward
    "referrals.WH_ITEM": old("admin", "{issue}"),
    "referrals.WH_IDEPT": old("admin", "{issue}", "{dep_on}"),
    "referrals.WH_ISET": old("admin", "{issue}", "{dep_on}", 1, 7),
    "referrals.WH_ISEND": old("admin", "{issue}", "{dep_on}", 0, 3),
    # the departments: {dep_gone} was removed (its edits are over), {dep_on} is in use (nothing to bring back)
    "departments.DEP_RENAME": old("admin", "{dep_gone}"),
    "departments.DEP_CONTACT": old("admin", "{dep_gone}"),
    "departments.DEP_REMOVE": old("admin", "{dep_gone}"),
    "departments.DEP_REMOVE_YES": old("admin", "{dep_gone}"),
    "departments.DEP_RESTORE": old("admin", "{dep_on}"),
    # 平急转换: the call-up ({e}) is over; /emergency's conversation too
    "emergency.ON_DUTY": old("vol1", "{e}"),
    "emergency.CANT": old("vol1", "{e}"),
    "emergency.END": old("admin", "{e}"),
    "emergency.SCOPE": old("admin", "community", "{com}"),
    "emergency.GO": old("admin"),
    "emergency.CANCEL": old("admin"),
    # 小喇叭: /notice's conversation is over
    "loudspeaker.PLACE": old("admin", "community", "{com}"),
    "loudspeaker.AUDIENCE": old("leader", "residents"),
    "loudspeaker.URGENT": old("leader", "on"),
    "loudspeaker.SEND": old("leader"),
    "loudspeaker.CANCEL": old("leader"),
    # events: the event ({ev}) was cancelled; /newevent's conversation is over
    "events.JOIN": old("vol2", "{ev}", group=True),
    "events.LEAVE": old("vol1", "{ev}", group=True),
    "events.ATTENDANCE": old("leader", "{ev}", "{v1}", "1"),
    "events.SCOPE": old("leader", "grid", "{ga}"),
    "events.PUBLISH": old("leader", "event"),
    "events.NEW_CANCEL": old("leader"),
    # 周五入户: this week's visit to the household ({hh}) is logged; its conversation is over
    "visits.LOG": old("vol1", "{hh}"),
    "visits.OUTCOME": old("vol1", "{hh}", "met"),
    "visits.SKIP_NOTE": old("vol1", "{hh}"),
    "visits.FLAG": old("vol1", "{hh}", "fall"),
    "visits.FLAGS_DONE": old("vol1", "{hh}"),
    "visits.REQUEST": old("vol1", "{hh}", "no"),
    "visits.CANCEL": old("vol1"),
    # 民情速办: the meeting's item ({issue}) is closed and its household told
    "meetings.OWNERS": old("leader", "{issue}"),
    "meetings.OWNER": old("leader", "{issue}", "{v1}"),
    "meetings.DATES": old("leader", "{issue}"),
    "meetings.DATE": old("leader", "{issue}", "7"),
    "meetings.DECIDE": old("leader", "{issue}"),
    "meetings.CLOSE": old("leader", "{issue}"),
    "meetings.TOLD": old("vol1", "{issue}"),
    # care plans: the plan ({plan}) has ended, its task ({care_task}) is done; /care's conversation is over
    "care.RULE": old("leader", "{hh}", "w0"),
    "care.WHO": old("leader", "{hh}", 0),
    "care.CANCEL": old("leader"),
    "care.END": old("leader", "{plan}"),
    "care.DONE": old("vol1", "{care_task}"),
    "care_plans.PAUSE": old("leader", "{plan}"),
    "care_plans.RESUME": old("leader", "{plan}"),
    "care_plans.FREQ": old("leader", "{plan}"),
    "care_plans.SET_RULE": old("leader", "{plan}", "d2"),
    "care_plans.END_YES": old("leader", "{plan}"),
    "care_tasks.NOTE_SKIP": old("vol1", "{care_task}"),
}
OLD = {name: make(name) for name, make in _OLD.items()}


def test_every_codec_is_walked_or_named_evergreen():
    """A new kind of button needs a line here: how it goes stale, or why it never does."""
    assert set(CODECS) - set(OLD) - set(EVERGREEN) == set(), "codecs nobody walks"
    assert set(OLD) & set(EVERGREEN) == set()
    assert set(OLD) | set(EVERGREEN) <= set(CODECS), "names of codecs that are gone"


async def moved_on(w) -> dict[str, int]:
    """Everything the old buttons were drawn for has moved on; the ids they carry."""
    core, db = w.bot.core, w.db
    resident = Actor(w.resident.id, w.resident.name)
    vol1, vol2 = (Actor(u.id, u.name) for u in w.volunteers[:2])
    req = await create_request(core, resident, RequestDraft("repairs", "换灯泡", "today", None, "3 栋 401", None, 1))
    rid = req.id
    await claim_task(core, vol1, rid)
    await start_task(core, vol1, rid)
    await report_done(core, vol1, rid, 1, None)
    await confirm_outcome(core, resident, rid, "done")
    await rate_request(core, resident, rid, 5)
    p1, p2 = (p.id for p in w.volunteer_people[:2])
    declined = await f.person(db, 4201, "没通过")
    pd = await f.volunteer(db, declined.id, w.grid_a.id, status=VolunteerStatus.declined)
    now = datetime.now(UTC)
    async with db.session() as s:
        p2_profile = (await s.execute(select(VolunteerProfile).where(VolunteerProfile.person_id == p2))).scalar_one()
        gone = Pairing(volunteer_id=p2, household_id=w.household.id, active=False)
        emergency = Emergency(community_id=w.community.id, reason="台风", started_at=now - timedelta(days=1))
        emergency.ended_at = now - timedelta(hours=2)
        event = Event(community_id=w.community.id, grid_id=w.grid_a.id, title="义剪", starts_at=now + timedelta(days=2))
        event.cancelled = True
        s.add_all([gone, emergency, event])
        await s.flush()
        s.add(EventSignup(event_id=event.id, volunteer_id=p1))
        admin = (await s.execute(select(Person).where(Person.tg_user_id == w.admin.id))).scalar_one()
        unit = Unit(name="区税务局", contact_id=admin.id)
        s.add(unit)
        await s.flush()
        ended = UnitClaim(request_id=rid, unit_id=unit.id, status="ended")  # a unit's claim, over
        s.add(ended)
        await s.flush()
        ids = dict(e=emergency.id, ev=event.id, gone_pairing=gone.id, p2=p2_profile.id, uc=ended.id)
        ids["vol2_person"] = w.volunteer_people[1].id
    await log_visit(db, w.household, w.volunteer_people[0], iso_week(now, "Asia/Shanghai"), outcome="needs_help")
    async with db.session() as s:
        visit = (await s.execute(select(DoorVisit))).scalars().one()
        issue = VisitIssue(
            visit_id=visit.id, household_id=w.household.id, grid_id=w.grid_a.id, status="closed", decision="修好了"
        )
        issue.closed_at, issue.told_at, issue.tell_by = now, now, p1
        s.add(issue)
        await s.flush()
        ids["issue"] = issue.id
        plan = CarePlan(
            household_id=w.household.id, grid_id=w.grid_a.id, what="量血压", weekday=0, starts_on="2026-01-05"
        )
        plan.active, plan.ended_at = False, now
        s.add(plan)
        await s.flush()
        task = CareTask(
            plan_id=plan.id, household_id=w.household.id, grid_id=w.grid_a.id, due_on="2026-01-05", volunteer_id=p1
        )
        task.status, task.done_at = "done", now
        s.add(task)
        await s.flush()
        ids["plan"], ids["care_task"] = plan.id, task.id
        gone = Department(community_id=w.community.id, name="旧城管科", active=False)
        on = Department(community_id=w.community.id, name="街道办")
        s.add_all([gone, on])
        await s.flush()
        ids["dep_gone"], ids["dep_on"] = gone.id, on.id
    return dict(
        ids,
        r=rid,
        v1=p1,
        v2=p2,
        pd=pd.id,
        com=w.community.id,
        ga=w.grid_a.id,
        gb=w.grid_b.id,
        hh=w.household.id,
        tg_resident=w.resident.id,
        stamp_old=int(now.timestamp() // 60) - 10 * 24 * 60,
    )


async def test_every_old_button_answers_in_one_line_drops_its_keyboard_and_changes_nothing(world):
    """Half the people read English, half Chinese: both catalogs' answers are one line."""
    w = world
    ids = await moved_on(w)
    users = {"resident": w.resident, "leader": w.leader, "admin": w.admin, "vol1": w.volunteers[0]}
    users["vol2"] = w.volunteers[1]
    users["declined"] = await w.bot.user(4201, "没通过", lang="en")
    for who in ("resident", "admin", "vol2"):
        u = users[who]
        u.lang = "en"
        await w.sb.add_user(u.id, u.name, language_code="en")
    for u in users.values():
        await u.send("/start")
    await settle(w)
    problems = {}
    for name, case in OLD.items():
        chat = w.volunteer_group if case.group else None
        outcome = await press_old(w, users[case.who], name, case.data(ids), chat=chat)
        if found := outcome.problems():
            problems[name] = [*found, outcome.answer]
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())
