"""Every button press of people's features, declared once (bot/views/callbacks.py)."""

from __future__ import annotations

from bot.views.callbacks import ID, PAGE, Callback, Int, One, StaleButton, Step
from storage.enums import Skill, WorkGroup

SKILLS = tuple(s.value for s in Skill)
WORK_GROUPS = tuple(w.value for w in WorkGroup)
TG_USER = Int(1, 2**52)  # a Telegram user id (more digits than a row id)
MINUTE_STAMP = Int(0, 10**10)  # minutes since the epoch
BIT = Int(0, 1)

# the main menu (/start)
MENU_REQUEST = Callback("menu", "request")
MENU_VOLUNTEER = Callback("menu", "volunteer")
MENU_GRID = Callback("menu", "grid")
MENU_HELP = Callback("menu", "help")
MENU = (MENU_REQUEST, MENU_VOLUNTEER, MENU_GRID, MENU_HELP)

# leaders decide about volunteers
VOL_APPROVE = Callback("vol", "ok", ID)  # vol:ok:<profile>
VOL_DECLINE = Callback("vol", "no", ID)
VOL_SUSPEND = Callback("vol", "sus", ID)
VOL_REINSTATE = Callback("vol", "rei", ID)
VOL_LIST_PAGE = Callback("vol", "ls", PAGE)

# /volunteer: the sign-up's steps
SU_COMMUNITY = Step("vol", "su", "c", ID)  # vol:su:c:<community>
SU_GRID = Step("vol", "su", "g", ID)
SU_BACK = Step("vol", "su", "back")
SU_WORK_GROUP = Step("vol", "su", "w", One(*WORK_GROUPS))
SU_PARTY = Step("vol", "su", "p", BIT)
SU_SKILL = Step("vol", "su", "s", One(*SKILLS, "done"))
SU_CONSENT = Step("vol", "su", "ok", BIT)
SU_SEND = Step("vol", "su", "send")
SU_STOP = Step("vol", "su", "stop")
SU_UNIT = Step("vol", "su", "u", ID)  # the volunteer's work unit, one paired with the community
SU_NO_UNIT = Step("vol", "su", "u0")
PICK_SU_COMMUNITY = Callback("pk", "suc", PAGE)
PICK_SU_GRID = Callback("pk", "sug", PAGE)

# /profile
PF_SHOW = Step("vol", "pf", "show")
PF_PARTY = Step("vol", "pf", "party", BIT)  # the value the flag is to get
PF_SHOCK = Step("vol", "pf", "shock", BIT)
PF_SKILLS = Step("vol", "pf", "sk")
PF_SKILL = Step("vol", "pf", "skt", One(*SKILLS))
PF_WORK_GROUPS = Step("vol", "pf", "wg")
PF_WORK_GROUP = Step("vol", "pf", "wgs", One(*WORK_GROUPS))
PF_LEAVE = Step("vol", "pf", "leave")
PF_LEAVE_YES = Step("vol", "pf", "leave", One("yes"))
PF_EDIT = Step("vol", "pf", "ed", One("name", "phone", "avail"))
PF_UNITS = Step("vol", "pf", "un")  # the work unit menu (包联单位)
PF_UNIT = Step("vol", "pf", "uns", ID)  # the unit to set
PF_NO_UNIT = Step("vol", "pf", "un0")

# /grid: where a resident lives
RES_COMMUNITIES_PAGE = Callback("res", "cp", PAGE)
RES_COMMUNITY = Callback("res", "c", ID)  # res:c:<community>, its first page of grids
RES_COMMUNITY_PAGE = Callback("res", "c", ID, PAGE)
RES_GRID = Callback("res", "g", ID)

# /forgetme
PRIVACY_ERASE = Callback("privacy", "erase", TG_USER, MINUTE_STAMP)  # for whom, when drawn
PRIVACY_KEEP = Callback("privacy", "keep")


def is_menu(data: str | None) -> bool:
    """A press of the main menu (its answers come as new messages: the menu stays usable)."""
    return any(c.matches(data) for c in MENU)


def community_press(data: str | None) -> tuple[int, int]:
    """(community id, page of its grids) of a RES_COMMUNITY or RES_COMMUNITY_PAGE press."""
    try:
        return RES_COMMUNITY.parse_id(data), 0
    except StaleButton:
        community_id, page = RES_COMMUNITY_PAGE.parse(data)
        return int(community_id), int(page)
