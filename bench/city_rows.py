"""The city's rows, table by table: generators over its shape, drawing on one seeded random stream
(bench/city.py loads them in this order, so the same seed builds the same city)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

WEEK_END = datetime(2026, 11, 16, 0, 0, tzinfo=UTC)  # Monday 2026-W47 starts here (UTC, close enough)
CATEGORIES = ["micro_wish", "elder_care", "repairs", "errands", "health", "paperwork", "moving", "other"]

Accepted = list[tuple[int, int, int, datetime]]  # (request, volunteer, grid, done), filled by requests()


def iso_week(d: datetime) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


@dataclass(frozen=True)
class Shape:
    grids: int
    communities: int
    now: datetime
    vols_per_grid: int = 100
    hh_per_grid: int = 200
    req_per_grid: int = 1000  # a year

    @property
    def n_vol(self) -> int:
        return self.grids * self.vols_per_grid

    @property
    def n_res(self) -> int:
        return self.grids * 50

    @property
    def leader_base(self) -> int:
        return self.n_vol

    @property
    def res_base(self) -> int:
        return self.n_vol + self.grids

    @property
    def n_hh(self) -> int:
        return self.grids * self.hh_per_grid

    @property
    def n_req(self) -> int:
        return self.grids * self.req_per_grid


def communities(c: Shape) -> Iterator[dict[str, Any]]:
    return (
        {"id": k + 1, "name": f"社区{k + 1}", "timezone": "Asia/Shanghai", "created_at": c.now}
        for k in range(c.communities)
    )


def grids(c: Shape) -> Iterator[dict[str, Any]]:
    return (
        {"id": g + 1, "community_id": g % c.communities + 1, "name": f"网格{g + 1}", "created_at": c.now}
        for g in range(c.grids)
    )


def people(c: Shape) -> Iterator[dict[str, Any]]:
    n_vol, grids = c.n_vol, c.grids
    for i in range(n_vol + grids + c.n_res):
        grid = (i % grids) + 1 if i < n_vol else (i - n_vol) % grids + 1
        yield {
            "id": i + 1,
            "tg_user_id": 10_000_000 + i,
            "name": f"P{i}",
            "grid_id": grid,
            "language": "zh-hans",
            "phone": f"139{i:08d}",
            "is_superadmin": False,
            "blocked_bot": False,
            "created_at": c.now,
        }


def leaders(c: Shape) -> Iterator[dict[str, Any]]:
    return (
        {"id": g + 1, "person_id": c.leader_base + g + 1, "role": "leader", "grid_id": g + 1, "created_at": c.now}
        for g in range(c.grids)
    )


def volunteer_profiles(c: Shape, rnd: random.Random) -> Iterator[dict[str, Any]]:
    statuses = ["approved"] * 95 + ["pending"] * 5
    return (
        {
            "id": i + 1,
            "person_id": i + 1,
            "grid_id": i % c.grids + 1,
            "status": rnd.choice(statuses),
            "skills": "elder_care,repairs",
            "shock_team": i % 10 == 0,
            "created_at": c.now,
        }
        for i in range(c.n_vol)
    )


def households(c: Shape) -> Iterator[dict[str, Any]]:
    return (
        {
            "id": h + 1,
            "grid_id": h % c.grids + 1,
            "address": f"路{h}号",
            "members": "",
            "member_count": 2,
            "care_flags": "elderly_alone" if h % 4 == 0 else "",
            "created_at": c.now,
        }
        for h in range(c.n_hh)
    )


def pairings(c: Shape) -> Iterator[dict[str, Any]]:
    """Each volunteer looks after two households of their grid."""
    return (
        {
            "id": h + 1,
            "volunteer_id": ((h // c.grids) % c.vols_per_grid) * c.grids + h % c.grids + 1,
            "household_id": h + 1,
            "active": True,
            "created_at": c.now,
        }
        for h in range(c.n_hh)
    )


def requests(c: Shape, rnd: random.Random, accepted: Accepted) -> Iterator[dict[str, Any]]:
    """A year of requests in the order they came in (as a real table fills up: ids and the heap follow
    time); the accepted ones are appended to `accepted` as they are made."""
    grids, vols_per_grid = c.grids, c.vols_per_grid
    year_start, gap = WEEK_END + timedelta(days=7) - timedelta(days=365), 365 * 86400 / c.n_req
    for r in range(c.n_req):
        grid = r % grids + 1
        created = year_start + timedelta(seconds=(r + rnd.random()) * gap)
        roll = rnd.random()
        status = (
            "completed"
            if roll < 0.8
            else "open"
            if roll < 0.85
            else "cancelled"
            if roll < 0.9
            else "done_reported"
            if roll < 0.95
            else "out_of_scope"
        )
        acc = created + timedelta(minutes=rnd.randrange(5, 240)) if status in ("completed", "done_reported") else None
        done = acc + timedelta(hours=rnd.randrange(1, 48)) if acc else None
        vol = (rnd.randrange(vols_per_grid)) * grids + grid
        if done is not None:  # accepted (done is set exactly then)
            accepted.append((r + 1, vol, grid, done))
        yield {
            "id": r + 1,
            "code": f"A-{r + 1:07d}",
            "grid_id": grid,
            "resident_id": c.res_base + rnd.randrange(c.n_res) + 1,
            "household_id": rnd.randrange(c.n_hh) + 1,
            "source": "resident",
            "category": rnd.choice(CATEGORIES),
            "summary": "帮忙买菜",
            "when_kind": "today",
            "address": "路1号",
            "phone": "13900000000",
            "slots": 1,
            "slots_taken": 1 if acc else 0,
            "status": status,
            "escalation_level": 0,
            "created_at": created,
            "first_accepted_at": acc,
            "done_at": done,
            "closed_at": done if status == "completed" else None,
        }


def assignments(accepted: Accepted) -> Iterator[dict[str, Any]]:
    return (
        {
            "id": i + 1,
            "request_id": rid,
            "volunteer_id": vol,
            "status": "done",
            "created_at": done - timedelta(hours=1),
            "done_at": done,
            "hours": 1.5,
        }
        for i, (rid, vol, _g, done) in enumerate(accepted)
    )


def ratings(accepted: Accepted, rnd: random.Random) -> Iterator[dict[str, Any]]:
    return (
        {
            "id": i + 1,
            "request_id": rid,
            "outcome": "done",
            "stars": rnd.choice([3, 4, 5, 5, 5]),
            "confirmed_by_leader": False,
            "created_at": done,
        }
        for i, (rid, _v, _g, done) in enumerate(accepted)
        if i % 10 < 7
    )


def visits(c: Shape, rnd: random.Random) -> Iterator[dict[str, Any]]:
    """Four weeks of door visits, oldest week first."""
    weeks = [(k, iso_week(WEEK_END - timedelta(days=7 * k))) for k in reversed(range(4))]  # oldest first
    vid = 0
    for k, week in weeks:
        for h in range(c.n_hh):
            if rnd.random() < 0.9:  # some doors stay unvisited
                vid += 1
                grid = h % c.grids + 1
                yield {
                    "id": vid,
                    "household_id": h + 1,
                    "grid_id": grid,
                    "volunteer_id": ((h // c.grids) % c.vols_per_grid) * c.grids + grid,
                    "week": week,
                    "outcome": rnd.choice(["met", "met", "met", "not_home", "needs_help"]),
                    "note": "",
                    "red_flags": "",
                    "created_at": WEEK_END - timedelta(days=7 * k - 4),
                }


def ledger(c: Shape, accepted: Accepted) -> Iterator[dict[str, Any]]:
    pid = 0
    for rid, vol, grid, done in accepted:
        pid += 1
        yield {
            "id": pid,
            "ref": f"task:{rid}:{vol}",
            "person_id": vol,
            "grid_id": grid,
            "community_id": (grid - 1) % c.communities + 1,
            "reason": "task",
            "points": 13,
            "hours": 1.5,
            "created_at": done,
        }
