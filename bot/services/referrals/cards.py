"""What a referral is about (a request, or a meeting item: a problem found on a door visit) as the
department may see it, and its card to the department's contact (or an offline one's admin)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.ids import stored_id
from storage.enums import IssueStatus
from storage.models import Community, Department, DoorVisit, Grid, HelpRequest, Household, Referral, VisitIssue

from .notices import DepartmentCard


@dataclass(frozen=True)
class Subject:
    code: str  # a request's code; "#<id>" for a meeting item
    item: bool
    category: str  # a request's; "" for an item
    flags: tuple[str, ...]  # an item's red flags
    summary: str
    grid: str
    grid_id: int
    address: str | None
    phone: str | None
    resident_id: int | None  # a request's resident (an item's household is told by its paired volunteer)
    erased: bool
    closed: bool = False  # a meeting item the meeting has closed


async def subject_of(s: AsyncSession, ref: Referral) -> Subject | None:
    if ref.request_id is not None:
        row = (
            await s.execute(
                select(HelpRequest, col(Grid.name))
                .join(Grid, col(Grid.id) == col(HelpRequest.grid_id))
                .where(col(HelpRequest.id) == ref.request_id)
            )
        ).first()
        if row is None:
            return None
        req, grid = row
        return request_subject(req, grid)
    row2 = (
        await s.execute(
            select(VisitIssue, DoorVisit, Household, col(Grid.name))
            .join(DoorVisit, col(DoorVisit.id) == col(VisitIssue.visit_id))
            .join(Household, col(Household.id) == col(VisitIssue.household_id))
            .join(Grid, col(Grid.id) == col(VisitIssue.grid_id))
            .where(col(VisitIssue.id) == ref.issue_id)
        )
    ).first()
    if row2 is None:
        return None
    issue, visit, hh, grid = row2
    return Subject(
        f"#{issue.id}",
        True,
        "",
        tuple(f for f in visit.red_flags.split(",") if f),
        visit.note,
        grid,
        issue.grid_id,
        hh.address,
        hh.phone,
        None,
        hh.erased_at is not None,
        issue.status == IssueStatus.closed.value,
    )


def request_subject(req: HelpRequest, grid: str) -> Subject:
    return Subject(
        req.code or f"#{req.id}",
        False,
        req.category,
        (),
        req.summary,
        grid,
        req.grid_id,
        req.address,
        req.phone,
        req.resident_id,
        req.erased_at is not None,
    )


def department_card(
    chat_id: int, language: str | None, ref: Referral, dep: Department, com: Community, sub: Subject
) -> DepartmentCard:
    return DepartmentCard(
        chat_id=chat_id,
        language=language,
        referral_id=stored_id(ref.id),
        department=dep.name,
        community=com.name,
        grid=sub.grid,
        code=sub.code,
        category=sub.category,
        summary=sub.summary,
        due_at=ref.due_at,
        timezone=com.timezone,
        address=sub.address if ref.share_address and not sub.erased else None,
        phone=sub.phone if ref.share_phone and not sub.erased else None,
        offline=dep.tg_user_id is None,
        item=sub.item,
        flags=sub.flags,
    )
