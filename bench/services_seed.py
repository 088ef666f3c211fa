"""The seeded database of bench/services.py: grids of volunteers and residents, points, requests to rate and to finish."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import SQLModel

from storage.db import Database

T = SQLModel.metadata.tables
GRIDS, VOLS, RESIDENTS = 5, 40, 60  # per grid
START = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)  # a Wednesday, 10:00 in Shanghai


async def seed(db: Database, n_rate: int) -> dict[str, Any]:
    async with db.engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.create_all)
        await conn.execute(
            T["community"].insert(), [dict(id=1, name="幸福里社区", timezone="Asia/Shanghai", created_at=START)]
        )
        await conn.execute(
            T["grid"].insert(),
            [dict(id=g, community_id=1, name=f"第{g}网格", created_at=START) for g in range(1, GRIDS + 1)],
        )
        ppl, profs, hhs, pairs, grants, pts = [], [], [], [], [], []
        vols, res = [], []
        pid = 0
        for g in range(1, GRIDS + 1):
            pid += 1
            ppl.append(
                dict(
                    id=pid,
                    tg_user_id=1000 + pid,
                    name=f"user {1000 + pid}",
                    language="zh-hans",
                    grid_id=g,
                    is_superadmin=False,
                    blocked_bot=False,
                    created_at=START,
                )
            )
            grants.append(dict(person_id=pid, role="leader", grid_id=g, created_at=START))
            for _ in range(VOLS):
                pid += 1
                ppl.append(
                    dict(
                        id=pid,
                        tg_user_id=1000 + pid,
                        name=f"user {1000 + pid}",
                        language="zh-hans",
                        grid_id=g,
                        is_superadmin=False,
                        blocked_bot=False,
                        created_at=START,
                    )
                )
                profs.append(dict(person_id=pid, grid_id=g, status="approved", created_at=START))
                hhs.append(dict(id=pid, grid_id=g, address=f"幸福里 {pid} 栋", members="王奶奶", created_at=START))
                pairs.append(dict(volunteer_id=pid, household_id=pid, active=True, created_at=START))
                for k in range(3):
                    pts.append(
                        dict(
                            ref=f"seed:{pid}:{k}",
                            person_id=pid,
                            reason="task",
                            points=10 + pid % 7,
                            hours=1.5,
                            grid_id=g,
                            community_id=1,
                            created_at=START - timedelta(days=20 * k),
                        )
                    )
                vols.append((1000 + pid, pid, g))
            for _ in range(RESIDENTS):
                pid += 1
                ppl.append(
                    dict(
                        id=pid,
                        tg_user_id=1000 + pid,
                        name=f"user {1000 + pid}",
                        language="zh-hans",
                        grid_id=g,
                        is_superadmin=False,
                        blocked_bot=False,
                        created_at=START,
                    )
                )
                res.append((1000 + pid, pid, g))
        for table, rows in (
            ("person", ppl),
            ("volunteerprofile", profs),
            ("household", hhs),
            ("pairing", pairs),
            ("rolegrant", grants),
            ("points_entry", pts),
        ):
            await conn.execute(T[table].insert(), rows)
        reqs, asg = [], []
        for i in range(n_rate):  # done_reported requests for the rating phases
            r_tg, r_id, g = res[i % len(res)]
            v = [x for x in vols if x[2] == g][i % VOLS]
            reqs.append(
                dict(
                    id=i + 1,
                    code=f"A-{i + 1:04d}",
                    grid_id=g,
                    resident_id=r_id,
                    source="resident",
                    category="errands",
                    summary="买菜",
                    when_kind="today",
                    slots=1,
                    slots_taken=1,
                    status="done_reported",
                    escalation_level=0,
                    created_at=START,
                    done_at=START,
                )
            )
            asg.append(
                dict(request_id=i + 1, volunteer_id=v[1], status="done", hours=1.5, created_at=START, done_at=START)
            )
        await conn.execute(T["help_request"].insert(), reqs)
        reqs, done = [], []
        for i in range(n_rate):  # filled requests with an accepted assignment, for task_view and report_done
            r_tg, r_id, g = res[(i + 7) % len(res)]
            v = [x for x in vols if x[2] == g][(i + 3) % VOLS]
            rid = n_rate + i + 1
            reqs.append(
                dict(
                    id=rid,
                    code=f"A-{rid:04d}",
                    grid_id=g,
                    resident_id=r_id,
                    source="resident",
                    category="errands",
                    summary="买菜",
                    when_kind="today",
                    address="幸福里 1 号",
                    slots=1,
                    slots_taken=1,
                    status="filled",
                    escalation_level=0,
                    created_at=START,
                    first_accepted_at=START,
                )
            )
            asg.append(
                dict(request_id=rid, volunteer_id=v[1], status="accepted", hours=None, created_at=START, done_at=None)
            )
            done.append((v[0], rid))
        await conn.execute(T["help_request"].insert(), reqs)
        await conn.execute(T["assignment"].insert(), asg)
    if db.url.startswith("postgresql"):
        async with db.engine.begin() as conn:
            from sqlalchemy import text

            for t in ("person", "help_request", "household", "grid", "community"):
                await conn.execute(text(f"SELECT setval('{t}_id_seq', (SELECT max(id) FROM {t}))"))
    return dict(vols=vols, res=res, rate=[(res[i % len(res)][0], i + 1) for i in range(n_rate)], done=done)
