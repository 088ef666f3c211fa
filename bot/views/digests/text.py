"""The weekly digest as text (Telegram HTML) in the reader's language."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from babel.dates import format_skeleton

from bot.i18n import Raw, t, tp
from storage.enums import RedFlag

from bot.services.digests.queries import DigestFigures
from bot.services.kernel.periods import WeekRange
from bot.services.visits.reminders import when_text

FLAG_KEYS = {RedFlag.fall: "digest.flag.fall", RedFlag.no_food: "digest.flag.no_food",
             RedFlag.no_heating: "digest.flag.no_heating", RedFlag.safety: "digest.flag.safety"}
MAX_EMERGENCIES = 5


@dataclass
class Digest:
    scope: str          # "grid" or "community"
    target_id: int
    name: str
    tz: str
    span: WeekRange
    figures: DigestFigures
    partial: bool = False  # the week is not over yet (a preview)

    @property
    def week(self) -> str:
        return self.span.week

    @property
    def quiet(self) -> bool:
        return self.figures.quiet


def duration(lang: str, seconds: float | None) -> str:
    if seconds is None:
        return tp(lang, "digest.dur.none")
    minutes = int(round(seconds / 60))
    if minutes < 60:
        return tp(lang, "digest.dur.minutes", m=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return tp(lang, "digest.dur.hours", h=hours, m=minutes)
    days, hours = divmod(hours, 24)
    return tp(lang, "digest.dur.days", d=days, h=hours)


def _dates(lang: str, span: WeekRange) -> str:
    loc = "zh_CN" if lang == "zh-CN" else "en"
    first, last = span.monday, span.monday + timedelta(days=6)
    return f"{format_skeleton('MMMd', first, locale=loc)} – {format_skeleton('MMMd', last, locale=loc)}"


def title_line(lang: str, d: Digest) -> str:
    key = "digest.title_community" if d.scope == "community" else "digest.title_grid"
    text = t(lang, key, name=d.name, week=d.week, dates=_dates(lang, d.span))
    return text + ("\n" + t(lang, "digest.partial") if d.partial else "")


def render_text(lang: str, d: Digest) -> str:
    """The whole digest, or one line when the week was quiet."""
    f = d.figures
    if f.quiet:
        return t(lang, "digest.quiet", name=d.name, week=d.week)
    parts = [title_line(lang, d), _requests(lang, f), _visits(lang, f), _volunteers(lang, f)]
    if f.emergencies:
        parts.append(_emergencies(lang, f, d.tz))
    return "\n\n".join(parts)


def _requests(lang: str, f: DigestFigures) -> str:
    lines = [t(lang, "digest.section.requests"),
             t(lang, "digest.requests.counts", opened=f.opened, accepted=f.accepted, done=f.done,
               overdue=f.overdue, escalated=f.escalated),
             t(lang, "digest.requests.medians", accept=duration(lang, f.median_accept), done=duration(lang, f.median_done))]
    if f.rated:
        lines.append(t(lang, "digest.requests.satisfaction", share=round(100 * f.good / f.rated),
                       avg=f"{f.avg_stars or 0:.1f}", n=f.rated))
    else:
        lines.append(t(lang, "digest.requests.no_ratings"))
    return "\n".join(lines)


def _visits(lang: str, f: DigestFigures) -> str:
    lines = [t(lang, "digest.section.visits"),
             t(lang, "digest.visits.counts", done=f.visits_done, planned=f.visits_planned, stale=f.households_stale)]
    flags = sum(f.flags.values())
    if f.needs_help or flags:
        sep = "、" if lang == "zh-CN" else ", "
        detail = sep.join(f"{tp(lang, FLAG_KEYS[RedFlag(k)])} {n}" for k, n in f.flags.items())
        lines.append(t(lang, "digest.visits.problems", needs=f.needs_help, flags=flags, detail=detail or "—"))
    else:
        lines.append(t(lang, "digest.visits.no_problems"))
    return "\n".join(lines)


def _volunteers(lang: str, f: DigestFigures) -> str:
    hours = f"{f.hours:g}"
    lines = [t(lang, "digest.section.volunteers"), t(lang, "digest.volunteers.hours", hours=hours, points=f.points)]
    if f.top:
        names = " · ".join(t(lang, "digest.volunteers.top_entry", name=name, points=pts) for name, pts in f.top)
        lines.append(t(lang, "digest.volunteers.top", names=Raw(names)))
    if f.pending:
        lines.append(t(lang, "digest.volunteers.pending", n=f.pending))
    return "\n".join(lines)


def _emergencies(lang: str, f: DigestFigures, tz: str) -> str:
    lines = [t(lang, "digest.section.emergencies")]
    for e in f.emergencies[:MAX_EMERGENCIES]:
        state = (t(lang, "digest.emergency.ended", end=when_text(e.ended_at, tz, lang)) if e.ended_at
                 else t(lang, "digest.emergency.ongoing"))
        lines.append(t(lang, "digest.emergency.line", reason=e.reason, start=when_text(e.started_at, tz, lang),
                       state=Raw(state), on_duty=e.on_duty))
    if len(f.emergencies) > MAX_EMERGENCIES:
        lines.append(t(lang, "digest.emergency.more", n=len(f.emergencies) - MAX_EMERGENCIES))
    return "\n".join(lines)


def is_partial(span: WeekRange, now: datetime) -> bool:
    return now < span.end

