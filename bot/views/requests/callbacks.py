"""Every button press of the request loop, declared once (bot/views/callbacks.py): the views build
the data with `.data(...)`, the handlers match `.pattern` and read `.parse(...)`. The strings are
those the bot always sent (old buttons in chats keep working), but for the hours (task:hours:0_5).
"""

from __future__ import annotations

from bot.services.requests import REFERRALS
from bot.views.callbacks import ID, Callback, Int, One, StaleButton
from storage.enums import Category, WhenKind

# 点单: the resident's guided request
REQ_CATEGORY = Callback("req", "cat", One(*(c.value for c in Category)))
REQ_WHEN = Callback("req", "when", One(*(w.value for w in WhenKind)))
REQ_TOMORROW = Callback("req", "tomorrow")  # a date: tomorrow where the grid is
REQ_SLOTS = Callback("req", "slots", Int(0, 999))  # the number is checked by fields.check_slots
REQ_SEND = Callback("req", "send")
REQ_RESTART = Callback("req", "restart")
REQ_CANCEL = Callback("req", "cancel")

# 接单: the card's Accept, the volunteer's task buttons, the Done report's answers
TASK_ACCEPT = Callback("task", "accept", ID)
TASK_UNIT_CLAIM = Callback("task", "unit", ID)  # a paired unit's contact claims the request for the unit
TASK_SHOW = Callback("task", "show", ID)
TASK_START = Callback("task", "start", ID)
TASK_DONE = Callback("task", "done", ID)
TASK_RELEASE = Callback("task", "rel", ID)
QUICK_HOURS = {"0_5": "0.5", "1": "1", "2": "2", "3": "3", "4": "4"}  # the quick answers: token -> as typed
TASK_HOURS = Callback("task", "hours", One(*QUICK_HOURS))
TASK_NOTE_SKIP = Callback("task", "note", One("skip"))
TASK_PHOTOS = Callback("task", "photos", One("done", "skip"))  # the proof photos' step: send the report

# 派单: the leader's board
BOARD_REQUEST = Callback("board", "req", ID)
BOARD_PICK = Callback("board", "pick", ID)
BOARD_TO = Callback("board", "to", ID, ID)  # request, volunteer
BOARD_REASSIGN = Callback("board", "re", ID)
BOARD_REASSIGN_FROM = Callback("board", "refrom", ID, ID)  # request, from volunteer
BOARD_REASSIGN_TO = Callback("board", "reto", ID, ID, ID)  # request, from, to
BOARD_REASSIGN_UNIT = Callback("board", "reunit", ID, ID)  # request, a unit's claim on it
BOARD_REASSIGN_UNIT_TO = Callback("board", "reuto", ID, ID, ID)  # request, the unit's claim, to volunteer
BOARD_UNIT_BACK = Callback("board", "uback", ID, ID)  # request, the unit's claim: back to the board
BOARD_OUT_OF_SCOPE = Callback("board", "oos", ID)
BOARD_REFERRAL = Callback("board", "ref", ID, One(*REFERRALS))
BOARD_DUPLICATE = Callback("board", "dup", ID)
BOARD_DUPLICATE_OF = Callback("board", "dupof", ID, ID)  # request, the one it duplicates
BOARD_NOT_DUPLICATE = Callback("board", "notdup", ID)
BOARD_CONFIRM = Callback("board", "confirm", ID)
BOARD_CLOSE = Callback("board", "close", ID)

# 评单 and /my: the resident's requests
MY_LIST = Callback("my", "list")
MY_SHOW = Callback("my", "show", ID)
MY_CANCEL = Callback("my", "cancel", ID)
MY_CANCEL_YES = Callback("my", "cancel_yes", ID)
OUTCOMES = ("done", "partly", "not")
RATE_OUTCOME = Callback("rate", "out", ID, One(*OUTCOMES))
RATE_STARS = Callback("rate", "stars", ID, Int(1, 5))
RATE_SKIP = Callback("rate", "skip", ID)

# 💬 the relay: the volunteer writes to the resident (request), the resident to a volunteer (request, volunteer)
RELAY_TO_RESIDENT = Callback("relay", "open", ID)
RELAY_TO_VOLUNTEER = Callback("relay", "open", ID, ID)
RELAY_OPEN_PATTERN = RELAY_TO_RESIDENT.pattern  # both kinds


def parse_relay(data: str | None) -> tuple[int, int | None]:
    """(request id, volunteer id or None) of a relay button; StaleButton for anything else."""
    try:
        rid, vid = RELAY_TO_VOLUNTEER.parse(data)
        return int(rid), int(vid)
    except StaleButton:
        return RELAY_TO_RESIDENT.parse_id(data), None


def either(*kinds: Callback) -> str:
    """One handler's pattern for several kinds of press."""
    return "|".join(f"(?:{k.pattern})" for k in kinds)
