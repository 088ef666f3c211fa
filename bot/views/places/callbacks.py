"""Every button press of the places' features, declared once (bot/views/callbacks.py)."""

from __future__ import annotations

from bot.views.callbacks import ID, PAGE, Callback, Int, One, Step
from storage.enums import CareFlag

CARE_FLAGS = tuple(f.value for f in CareFlag)
KIND = One("v", "r")  # a group chat's kind: volunteers, residents

# admins set up places and roles (/newgrid, /setleader, /addadmin, /removeleader, /removeadmin)
PLC_NEW_GRID = Callback("plc", "ng", ID)  # plc:ng:<community>
PLC_SET_LEADER = Callback("plc", "sl", ID)  # plc:sl:<grid>
PLC_ADD_ADMIN = Callback("plc", "aa", ID)  # plc:aa:<community>
PLC_LEADERS_OF = Callback("plc", "rlg", ID)  # plc:rlg:<grid>
PLC_REMOVE_LEADER = Callback("plc", "rl", ID, ID)  # plc:rl:<grid>:<person>
PLC_ADMINS_OF = Callback("plc", "rag", ID)  # plc:rag:<community>
PLC_REMOVE_ADMIN = Callback("plc", "ra", ID, ID)  # plc:ra:<community>:<person>
PICK_NEW_GRID = Callback("pk", "ng", PAGE)
PICK_ADD_ADMIN = Callback("pk", "aa", PAGE)
PICK_ADMINS_OF = Callback("pk", "rag", PAGE)
PICK_SET_LEADER = Callback("pk", "sl", PAGE)
PICK_LEADERS_OF = Callback("pk", "rlg", PAGE)

# /bind
GRP_KIND = Callback("grp", "k", KIND)  # grp:k:v
GRP_BIND = Callback("grp", "b", ID, KIND)  # grp:b:<grid>:v
PICK_BIND = {"v": Callback("pk", "bgv", PAGE), "r": Callback("pk", "bgr", PAGE)}

# /households, /addhousehold
HH_LIST = Callback("hh", "l", ID, PAGE)  # hh:l:<grid>:<page>
HH_ADD = Callback("hh", "add", ID)  # hh:add:<grid>
HH_ADD_GRID = Callback("hh", "ag", ID)
HH_BUILDING = Callback("hh", "ab", Int(0))  # hh:ab:<building, 0: none> (grids with buildings)
HH_FLAG = Callback("hh", "af", One(*CARE_FLAGS, "done"))
HH_SAVE = Step("hh", "as", "save")
HH_STOP = Step("hh", "as", "stop")
PICK_LIST_GRID = Callback("pk", "hl", PAGE)
PICK_ADD_GRID = Callback("pk", "ha", PAGE)

# /pair, /unpair
HH_PAIR_GRID = Callback("hh", "pg", ID)  # hh:pg:<grid>
HH_UNPAIR_GRID = Callback("hh", "ug", ID)
HH_PAIR_VOLUNTEER = Callback("hh", "pv", ID, ID)  # hh:pv:<grid>:<volunteer>
HH_UNPAIR_VOLUNTEER = Callback("hh", "uv", ID, ID)
HH_TOGGLE = Callback("hh", "ph", ID)  # hh:ph:<household>
HH_PAGE = Callback("hh", "pp", PAGE)
HH_PAIR_DONE = Callback("hh", "pd")
HH_UNPAIR = Callback("hh", "up", ID)  # hh:up:<pairing>
PICK_PAIR_GRID = Callback("pk", "hp", PAGE)
PICK_UNPAIR_GRID = Callback("pk", "hu", PAGE)
PICK_PAIR_VOLUNTEER = Callback("pk", "vp", PAGE)
PICK_UNPAIR_VOLUNTEER = Callback("pk", "vu", PAGE)
