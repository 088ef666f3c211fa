"""/volunteer: the sign-up's questions and buttons, and the volunteer's own /profile."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from bot.i18n import t, tp
from bot.services.people import VolunteerView
from bot.views.message import Button, Keyboard
from bot.views.places.lists import choice_buttons
from storage.enums import VolunteerStatus
from storage.models import Community, Grid

from .callbacks import (
    PF_EDIT,
    PF_LEAVE,
    PF_LEAVE_YES,
    PF_PARTY,
    PF_SHOCK,
    PF_SHOW,
    PF_SKILL,
    PF_SKILLS,
    PF_UNITS,
    PF_WORK_GROUP,
    PF_WORK_GROUPS,
    SU_BACK,
    SU_COMMUNITY,
    SU_CONSENT,
    SU_GRID,
    SU_PARTY,
    SU_SEND,
    SU_SKILL,
    SU_STOP,
    SU_WORK_GROUP,
)
from .labels import SKILL_KEYS, WORK_GROUP_KEYS, skills_text, ticked, work_group_text, yes_no
from .volunteers import card_text


def community_items(communities: list[Community]) -> list[tuple[str, str]]:
    return [(c.name, SU_COMMUNITY.data(c.id)) for c in communities]


def grid_items(grids: list[Grid]) -> list[tuple[str, str]]:
    return [(g.name, SU_GRID.data(g.id)) for g in grids]


def back_button(lang: str) -> Keyboard:
    return [[Button(tp(lang, "volunteers.back"), data=SU_BACK.data())]]


def work_group_buttons(lang: str, *, profile: bool = False) -> Keyboard:
    press = PF_WORK_GROUP if profile else SU_WORK_GROUP
    return choice_buttons(
        [(tp(lang, key), press.data(value)) for value, key in WORK_GROUP_KEYS.items()], lang, columns=1
    )


def party_buttons(lang: str) -> Keyboard:
    return [
        [
            Button(tp(lang, "volunteers.yes"), data=SU_PARTY.data(1)),
            Button(tp(lang, "volunteers.no"), data=SU_PARTY.data(0)),
        ]
    ]


def skill_buttons(lang: str, chosen: Collection[str], *, profile: bool = False) -> Keyboard:
    """Skills to tick; done goes on (sign-up) or back to the profile."""
    press = PF_SKILL if profile else SU_SKILL
    done = PF_SHOW.data() if profile else SU_SKILL.data("done")
    items = [(ticked(v in chosen, tp(lang, key)), press.data(v)) for v, key in SKILL_KEYS.items()]
    return choice_buttons(items, lang, extra=[[Button(tp(lang, "volunteers.skills_done"), data=done)]])


def consent_buttons(lang: str) -> Keyboard:
    return [
        [
            Button(tp(lang, "volunteers.consent_yes"), data=SU_CONSENT.data(1)),
            Button(tp(lang, "volunteers.consent_no"), data=SU_CONSENT.data(0)),
        ]
    ]


def confirm_buttons(lang: str) -> Keyboard:
    return [
        [
            Button(tp(lang, "volunteers.submit"), data=SU_SEND.data()),
            Button(tp(lang, "volunteers.cancel_button"), data=SU_STOP.data()),
        ]
    ]


def summary(lang: str, d: dict[str, Any]) -> str:
    """The draft before it is sent."""
    return t(
        lang,
        "volunteers.summary",
        name=d.get("name", ""),
        phone=d.get("phone", ""),
        community=d.get("community_name", ""),
        grid=d.get("grid_name", ""),
        work_group=work_group_text(lang, d.get("work_group")),
        party=yes_no(lang, bool(d.get("party_member"))),
        skills=skills_text(lang, d.get("skills") or []),
        availability=d.get("availability", ""),
    ) + ("\n" + t(lang, "units.card_line", unit=d["unit_name"]) if d.get("unit_name") else "")


# ------------------------------------------------------------------ /profile
def profile(lang: str, view: VolunteerView) -> tuple[str, Keyboard]:
    prof = view.profile
    text = t(lang, "volunteers.profile_header") + "\n\n" + card_text(lang, view.card)
    if prof.status == VolunteerStatus.approved.value:
        text += "\n" + t(lang, "volunteers.shock_status", value=yes_no(lang, prof.shock_team))
    rows = [
        [
            Button(tp(lang, "volunteers.edit_name"), data=PF_EDIT.data("name")),
            Button(tp(lang, "volunteers.edit_phone"), data=PF_EDIT.data("phone")),
        ],
        [
            Button(tp(lang, "volunteers.edit_availability"), data=PF_EDIT.data("avail")),
            Button(tp(lang, "volunteers.edit_skills"), data=PF_SKILLS.data()),
        ],
        [
            Button(
                tp(lang, "units.profile_button", unit=view.unit.name if view.unit else tp(lang, "units.none")),
                data=PF_UNITS.data(),
            )
        ],
        [
            Button(tp(lang, "volunteers.edit_work_group"), data=PF_WORK_GROUPS.data()),
            Button(
                tp(lang, "volunteers.party_toggle", value=yes_no(lang, prof.party_member)),
                data=PF_PARTY.data(0 if prof.party_member else 1),
            ),
        ],
    ]
    if prof.status == VolunteerStatus.approved.value:
        rows.append(
            [
                Button(
                    tp(lang, "volunteers.shock_leave" if prof.shock_team else "volunteers.shock_join"),
                    data=PF_SHOCK.data(0 if prof.shock_team else 1),
                )
            ]
        )
    rows.append([Button(tp(lang, "volunteers.leave_button"), data=PF_LEAVE.data())])
    return text, rows


def leave_confirm(lang: str) -> Keyboard:
    return [
        [
            Button(tp(lang, "volunteers.leave_yes"), data=PF_LEAVE_YES.data("yes")),
            Button(tp(lang, "volunteers.leave_no"), data=PF_SHOW.data()),
        ]
    ]
