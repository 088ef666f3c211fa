"""Where a request or a meeting item stands with the street office (吹哨), in words: the lines the
leader's request card, the meeting's card and the dashboard show, and a referral's subject named
(a request by its code, a problem found on a door visit as such)."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_skeleton

from bot.i18n import Raw, t, tp
from bot.services.kernel.periods import zone
from bot.services.referrals import ReferralState
from storage.enums import ReferralStatus


def when_text(when: datetime, tz: str | None, lang: str) -> str:
    """`11月21日周六 09:00` / `Sat, Nov 21 09:00` in the community's zone."""
    local, loc = when.astimezone(zone(tz)), "zh_CN" if lang == "zh-CN" else "en"
    return f"{format_skeleton('MMMEd', local, locale=loc)} {format_skeleton('Hm', local, locale=loc)}"


def subject(lang: str, code: str, item: bool) -> Raw:
    """A request's code, or "visit issue #12" (safe HTML, for a text's parameter)."""
    return Raw(t(lang, "referrals.item_code", code=code) if item else t(lang, "referrals.request_code", code=code))


def status_text(lang: str, r: ReferralState) -> str:
    """One plain phrase: 等待答复 / 已接收 / 已答复 / 已退回, and ⏰ overdue."""
    text = tp(lang, f"referrals.status.{r.status}")
    return text + (" · " + tp(lang, "referrals.status.overdue") if r.overdue else "")


def state_lines(lang: str, r: ReferralState) -> list[str]:
    """Which department, since when, the deadline, overdue, the answer (HTML lines)."""
    lines = [
        t(
            lang,
            "referrals.state.head",
            department=r.department,
            status=status_text(lang, r),
            since=when_text(r.sent_at, r.timezone, lang),
            due=when_text(r.due_at, r.timezone, lang),
        )
    ]
    if r.decided_at is not None and r.status != ReferralStatus.sent.value:
        lines.append(t(lang, "referrals.state.decided", at=when_text(r.decided_at, r.timezone, lang)))
    if r.answer:
        lines.append(t(lang, "referrals.state.answer", answer=r.answer))
    if r.status == ReferralStatus.handed_back.value:
        lines.append(t(lang, "referrals.state.back"))
    return lines
