"""Views of exchange: the words of an export (headers, sheet, enum values, lists in a cell) and of
an import (the labels a CSV may use for a value, a refused value's reason)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from bot.i18n import LANGUAGES, join_list, tnp, tp
from bot.services.exchange import ImportResult, ImportVocabulary, RowError, RowProblem, Term
from bot.services.kernel.errors import DomainError

from .care import parse_rule, rule_text
from .labels import FAMILIES, value_label
from .office import label_or
from .people.labels import SKILL_KEYS, WORK_GROUP_KEYS, status_text, yes_no
from .places.labels import CARE_FLAG_KEYS

__all__ = [
    "ExportWords",
    "export_done",
    "export_labels",
    "export_progress",
    "export_refused",
    "import_problem",
    "import_progress",
    "import_report",
    "import_vocabulary",
]


# A term's words: a value's one label (bot.views.labels: category, status, flag, outcome, skill,
# volunteer_status, work_group, care), as every screen shows it; points' reasons are the dashboard's
# (spelt as an f-string: the catalog test sees the prefix)
def _reason_key(value: str) -> str:
    return f"dash.reason.{value}"


def _care_rule(lang: str, word: str) -> str:
    weekday, every = parse_rule(word) if re.fullmatch(r"[wd]\d{1,3}", word) else (None, None)
    return rule_text(lang, weekday, every) if weekday is not None or every else word


# the events' own words: an event's kind, "whole community" for an event of no one grid; a care
# plan's frequency and state, as /care says them
OTHER_TERMS: dict[str, Callable[[str, str], str]] = {
    "event_kind": lambda lang, v: tp(lang, "events.kind.service_day" if v == "service_day" else "events.kind.event"),
    "area": lambda lang, _v: tp(lang, "dash.whole_community"),
    "care_rule": _care_rule,
    "care_status": lambda lang, v: label_or(lang, f"care.status.{v}", v),
}


@dataclass(frozen=True)
class ExportWords:
    """ExportLabels in one language."""

    lang: str

    def header(self, column: str) -> str:
        return tp(self.lang, f"export.col.{column}")

    def sheet(self, kind: str) -> str:
        return tp(self.lang, f"export.kind.{kind}")

    def term(self, term: Term) -> str:
        if term.group in FAMILIES:
            return value_label(self.lang, term.group, term.value)
        if term.group in OTHER_TERMS:
            return OTHER_TERMS[term.group](self.lang, term.value)
        return label_or(self.lang, _reason_key(term.value), term.value)

    def several(self, items: list[str]) -> str:
        return join_list(self.lang, items)

    def yes_no(self, value: bool) -> str:
        return yes_no(self.lang, value)

    def ledger(self, visits: list[tuple[datetime | None, str, str, str]]) -> str:
        """A household's visits in one CSV cell: "2026-11-06 张志愿：需要帮助（安全隐患）；…"."""
        lines = [
            tp(
                self.lang,
                "export.ledger.visit_flags" if flags else "export.ledger.visit",
                date=when.strftime("%Y-%m-%d") if when else "",
                volunteer=volunteer,
                outcome=outcome,
                flags=flags,
            )
            for when, volunteer, outcome, flags in visits
        ]
        return ("；" if self.lang == "zh-CN" else "; ").join(lines)


def export_labels(lang: str) -> ExportWords:
    return ExportWords(lang)


def _choices(keys: dict[str, str]) -> dict[str, str]:
    """Every way to write a value: the code, its English and Chinese labels (lower case)."""
    out = {}
    for value, key in keys.items():
        for name in (value, tp("en", key), tp("zh-CN", key)):
            out[name.strip().lower()] = value
    return out


@lru_cache(maxsize=1)
def import_vocabulary() -> ImportVocabulary:
    """The words a CSV may use for work groups, skills and care flags: the codes, both languages'
    labels, and a few common Chinese names."""
    return ImportVocabulary(
        work_groups={
            **_choices(WORK_GROUP_KEYS),
            "在职党员": "party_in_service",
            "退休": "retired",
            "青年": "youth",
            "新就业群体": "new_economy",
            "居民": "resident",
        },
        skills=_choices(SKILL_KEYS),
        care_flags={**_choices(CARE_FLAG_KEYS), "残疾": "disability", "其他": "other", "独居": "elderly_alone"},
        headers=_exported_headers(),
    )


# an export's columns the households' import reads (its own names), or reads past (the period's figures)
_READ_BACK = {c: c for c in ("household", "grid", "building", "address", "members", "phone", "member_count", "note")}
_READ_BACK |= {"visit_ledger": "visit_ledger", "paired": "paired", "visits": "visits", "last_visit": "last_visit"}
_READ_BACK |= {"last_outcome": "last_outcome", "red_flags": "red_flags", "care": "care"}


def _exported_headers() -> dict[str, str]:
    """Both languages' headers of the households' export (lower case) -> the import's columns: a file
    exported, edited in a spreadsheet and imported again is read back (round trip)."""
    return {tp(lang, f"export.col.{c}").lower(): col for lang in LANGUAGES for c, col in _READ_BACK.items()}


def import_problem(lang: str, problem: RowProblem) -> str:
    """Why a file or a row is refused, in one plain line (no Telegram tags), with what to do."""
    params = dict(problem.params)
    if problem.cause is not None:
        cause = problem.cause
        reason = tp(lang, cause.key, **cause.params) if cause.params else tp(lang, cause.key)
        params["reason"] = re.sub(r"<[^>]+>", "", reason)
    if problem.key == "import.problem.has_profile":
        params["status"] = status_text(lang, str(params["status"]))
    return tp(lang, problem.key, **params)


def import_report(lang: str, result: ImportResult, source: str) -> list[str]:
    """`redvest import`'s report: the encoding note, then either what was imported or every
    refused line with its reason and what to do about the file."""
    lines = []
    if result.encoding not in ("utf-8", "xlsx"):
        lines.append(tp(lang, "import.report.encoding", source=source, encoding=result.encoding.upper()))
    if result.ok:
        kind = tp(lang, f"import.kind.{result.kind}")
        done = tp(lang, "import.report.done", source=source, n=result.created, kind=kind)
        if result.updated:  # an exported file read back: households named by number
            moved = tnp(lang, "import.report.updated", result.updated, source=source)
            return [*lines, *([done] if result.created else []), moved]
        return [*lines, done]
    lines.append(tp(lang, "import.report.rejected", source=source, n=len(result.errors)))
    lines += [_line(lang, err) for err in sorted(result.errors, key=lambda e: e.line)]
    return [*lines, tp(lang, "import.report.nothing", source=source)]


def import_progress(lang: str, kind: str) -> str:
    """The progress bar's caption of `redvest import`."""
    return tp(lang, "import.progress", kind=tp(lang, f"import.kind.{kind}"))


def _line(lang: str, err: RowError) -> str:
    return tp(lang, "import.report.line", line=err.line, reason=import_problem(lang, err.problem))


def export_progress(lang: str, kind: str) -> str:
    """The progress bar's caption of `redvest export`."""
    return tp(lang, "export.progress", kind=tp(lang, f"export.kind.{kind}"))


def export_done(lang: str, rows: int, path: str) -> str:
    return tnp(lang, "export.done", rows, path=path)


def export_refused(lang: str, e: DomainError) -> str:
    """An export the service refused (no such grid, dates the wrong way round), in one line."""
    return tp(lang, e.key, **e.params)
