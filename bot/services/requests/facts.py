"""What the request loop knows and shows, as facts: which skills suit a category, where a request
out of scope belongs, a card's contents, a task's private side. The words are bot/views/requests'."""

from __future__ import annotations

from dataclasses import dataclass

from storage.enums import Category, Skill
from storage.models import Assignment, HelpRequest, Household

# which volunteer skills suit a category (the card says so; the leader's volunteer list marks them)
SKILL_FIT: dict[str, list[str]] = {
    Category.elder_care.value: [Skill.elder_care.value, Skill.health.value],
    Category.repairs.value: [Skill.repairs.value],
    Category.errands.value: [Skill.transport.value],
    Category.health.value: [Skill.health.value, Skill.elder_care.value],
    Category.paperwork.value: [Skill.paperwork.value, Skill.legal.value],
    Category.moving.value: [Skill.moving.value, Skill.transport.value],
    Category.micro_wish.value: [],
    Category.other.value: [],
}
# where a request that is not for volunteers belongs (the leader picks one)
REFERRALS = ("hotline", "property", "police", "street", "medical", "other")


def skills_fit(category: str) -> list[str]:
    return SKILL_FIT.get(category, [])


@dataclass(frozen=True)
class CardFacts:
    """What the public card of a request shows: no address, no phone."""

    request_id: int
    code: str
    category: str
    summary: str
    when_kind: str
    when_date: str | None
    status: str
    slots: int
    slots_taken: int
    this_year: int  # the year it is: a date in another year shows its year

    @classmethod
    def of(cls, req: HelpRequest, this_year: int) -> CardFacts:
        return cls(
            req.id or 0,
            req.code or "",
            req.category,
            req.summary,
            req.when_kind,
            req.when_date,
            req.status,
            req.slots,
            req.slots_taken,
            this_year,
        )


@dataclass
class TaskView:
    """The private side of a task, for the volunteer who holds it (address and phone included)."""

    request: HelpRequest
    assignment: Assignment
    this_year: int  # the year it is: the request's date in another year shows its year
    resident_name: str | None = None
    household: Household | None = None
    can_message: bool = False
