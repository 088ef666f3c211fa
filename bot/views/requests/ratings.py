"""评单: the resident's stars, and what the volunteers and leaders hear of a confirmation."""

from __future__ import annotations

from bot.i18n import t, tp
from bot.services.requests import Completed, ConfirmAsked, LeaderConfirmed, Rated, RatingCommented, Reopened

from ..message import Button, Keyboard, OutMessage
from ..points import award_line
from ..render import renders
from .callbacks import BOARD_CONFIRM, BOARD_REQUEST, RATE_SKIP, RATE_STARS


def stars(n: int) -> str:
    return "⭐" * n


def stars_buttons(lang: str, request_id: int) -> Keyboard:
    return [[Button(tp(lang, "rating.star_button", n=n), data=RATE_STARS.data(request_id, n)) for n in range(1, 6)]]


def skip_comment_buttons(lang: str, request_id: int) -> Keyboard:
    return [[Button(tp(lang, "rating.skip_comment_button"), data=RATE_SKIP.data(request_id))]]


OUTCOME_LABELS = {
    "done": "rating.outcome.done_button",
    "partly": "rating.outcome.partly_button",
    "not": "rating.outcome.not_done_button",
}


def answered(lang: str, outcome: str) -> str:
    """Under the volunteer's "done" message, in place of its buttons: the resident's answer."""
    return t(lang, "rating.outcome.answered", choice=tp(lang, OUTCOME_LABELS[outcome]))


def open_button(lang: str, request_id: int, code: str) -> Button:
    """A leader's button to the request on the board."""
    return Button(tp(lang, "board.open_button", code=code), data=BOARD_REQUEST.data(request_id))


@renders(Reopened)
def reopened(n: Reopened, lang: str) -> OutMessage:
    key = "rating.reopened.to_leader" if n.to_leader else "rating.reopened.to_volunteer"
    return OutMessage(chat_id=n.chat_id, text=t(lang, key, code=n.code))


@renders(Completed)
def completed(n: Completed, lang: str) -> OutMessage:
    key = "rating.completed.by_leader" if n.by_leader else "rating.completed.to_volunteer"
    text = t(lang, key, code=n.code, hours=f"{n.hours:g}")
    return OutMessage(chat_id=n.chat_id, text=text + ("\n" + award_line(lang, n.award) if n.award else ""))


@renders(Rated)
def rated(n: Rated, lang: str) -> OutMessage:
    text = t(lang, "rating.rated.to_volunteer", code=n.code, stars=stars(n.stars))
    return OutMessage(chat_id=n.chat_id, text=text + ("\n" + award_line(lang, n.bonus) if n.bonus else ""))


@renders(RatingCommented)
def rating_commented(n: RatingCommented, lang: str) -> OutMessage:
    return OutMessage(chat_id=n.chat_id, text=t(lang, "rating.comment.to_volunteer", code=n.code, comment=n.comment))


@renders(ConfirmAsked)
def confirm_asked(n: ConfirmAsked, lang: str) -> OutMessage:
    return OutMessage(
        chat_id=n.chat_id,
        text=t(lang, "rating.leader_confirm.ask", code=n.code),
        buttons=[
            [
                Button(tp(lang, "rating.leader_confirm.button"), data=BOARD_CONFIRM.data(n.request_id)),
                open_button(lang, n.request_id, n.code),
            ]
        ],
    )


@renders(LeaderConfirmed)
def leader_confirmed(n: LeaderConfirmed, lang: str) -> OutMessage:
    return OutMessage(
        chat_id=n.chat_id,
        text=t(lang, "rating.leader_confirmed.to_resident", code=n.code),
        buttons=stars_buttons(lang, n.request_id),
    )
