"""The weekly digest as text (Telegram HTML) in the reader's language."""

from __future__ import annotations

from datetime import datetime, timedelta

from babel.dates import format_skeleton

from bot.i18n import Raw, join_list, t, tn, tp
from bot.services.buildings import BuildingLine
from bot.services.digests import Digest, DigestFigures
from bot.services.kernel.periods import WeekRange, zone

from ..care import missed_section as care_section
from ..labels import value_label
from ..meetings import open_issues

MAX_EMERGENCIES = 5
MAX_BUILDINGS = 30


def _babel(lang: str) -> str:
    return "zh_CN" if lang == "zh-CN" else "en"


def when_text(when: datetime, tz: str | None, lang: str) -> str:
    """`11月21日周六 09:00` / `Sat, Nov 21 09:00` in the community's zone."""
    local, loc = when.astimezone(zone(tz)), _babel(lang)
    return f"{format_skeleton('MMMEd', local, locale=loc)} {format_skeleton('Hm', local, locale=loc)}"


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
    loc = _babel(lang)
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
    parts = [title_line(lang, d)]
    if f.issues_open:  # work waiting for the meeting comes before the week's figures
        parts.append(open_issues(lang, f, community=d.scope == "community"))
    if f.care_due:  # care plans: a missed visit to an elder living alone is work waiting too
        parts.append(care_section(lang, f))
    parts += [_requests(lang, f), _visits(lang, f), _volunteers(lang, f)]
    if f.emergencies:
        parts.append(_emergencies(lang, f, d.tz))
    if f.buildings:
        parts.append(buildings_section(lang, f.buildings))
    return "\n\n".join(parts)


def _requests(lang: str, f: DigestFigures) -> str:
    lines = [
        t(lang, "digest.section.requests"),
        t(
            lang,
            "digest.requests.counts",
            opened=f.opened,
            accepted=f.accepted,
            done=f.done,
            overdue=f.overdue,
            escalated=f.escalated,
        ),
        t(lang, "digest.requests.medians", accept=duration(lang, f.median_accept), done=duration(lang, f.median_done)),
    ]
    if f.rated:
        lines.append(
            tn(
                lang,
                "digest.requests.satisfaction",
                f.rated,
                share=round(100 * f.good / f.rated),
                avg=f"{f.avg_stars or 0:.1f}",
            )
        )
    else:
        lines.append(t(lang, "digest.requests.no_ratings"))
    if f.referrals_open:
        lines.append(tn(lang, "referrals.digest.line", f.referrals_open, overdue=f.referrals_overdue))
    return "\n".join(lines)


def _visits(lang: str, f: DigestFigures) -> str:
    lines = [
        t(lang, "digest.section.visits"),
        tn(lang, "digest.visits.counts", f.households_stale, done=f.visits_done, planned=f.visits_planned),
    ]
    flags = sum(f.flags.values())
    if f.needs_help or flags:
        detail = join_list(lang, (f"{value_label(lang, 'flag', k)} {n}" for k, n in f.flags.items()))
        flagged = Raw(tn(lang, "digest.visits.flags", flags))
        lines.append(tn(lang, "digest.visits.problems", f.needs_help, flags=flagged, detail=detail or "—"))
    else:
        lines.append(t(lang, "digest.visits.no_problems"))
    return "\n".join(lines)


def _volunteers(lang: str, f: DigestFigures) -> str:
    points = Raw(tn(lang, "digest.volunteers.points", f.points))
    lines = [t(lang, "digest.section.volunteers"), tn(lang, "digest.volunteers.hours", f.hours, points=points)]
    if f.top:
        names = " · ".join(t(lang, "digest.volunteers.top_entry", name=name, points=pts) for name, pts in f.top)
        lines.append(t(lang, "digest.volunteers.top", names=Raw(names)))
    if f.pending:
        lines.append(tn(lang, "digest.volunteers.pending", f.pending))
    return "\n".join(lines)


def buildings_section(lang: str, lines: list[BuildingLine]) -> str:
    """By building (楼栋): households, visited this week, open problems; the rest past MAX_BUILDINGS."""
    out = [t(lang, "buildings.digest.section")]
    for b in lines[:MAX_BUILDINGS]:
        name = b.name or tp(lang, "buildings.none")
        out.append(
            tn(lang, "buildings.digest.line", b.households, name=name, visited=b.visited, problems=b.open_problems)
        )
    if len(lines) > MAX_BUILDINGS:
        out.append(t(lang, "buildings.digest.more", n=len(lines) - MAX_BUILDINGS))
    return "\n".join(out)


def _emergencies(lang: str, f: DigestFigures, tz: str) -> str:
    lines = [t(lang, "digest.section.emergencies")]
    for e in f.emergencies[:MAX_EMERGENCIES]:
        state = (
            t(lang, "digest.emergency.ended", end=when_text(e.ended_at, tz, lang))
            if e.ended_at
            else t(lang, "digest.emergency.ongoing")
        )
        lines.append(
            t(
                lang,
                "digest.emergency.line",
                reason=e.reason,
                start=when_text(e.started_at, tz, lang),
                state=Raw(state),
                on_duty=e.on_duty,
            )
        )
    if len(f.emergencies) > MAX_EMERGENCIES:
        lines.append(t(lang, "digest.emergency.more", n=len(f.emergencies) - MAX_EMERGENCIES))
    return "\n".join(lines)
