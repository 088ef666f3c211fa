"""Requests for help: 点单 (asking), 派单 (the board), 接单 (claiming), 评单 (rating).

The public API of the request loop: handlers, views and other features import from here, never
from the modules. Services return facts (facts.py) and hand over notices (notices.py); the words
and buttons are bot/views/requests'.
"""

from __future__ import annotations

from .board import close_request, dismiss_duplicate, dispatch_task, mark_duplicate, mark_out_of_scope, reassign_task
from .board_reads import (
    Board,
    BoardItem,
    LeaderView,
    UnitHolding,
    VolunteerLoad,
    board_for,
    duplicate_candidates,
    request_for_leader,
    volunteers_for,
)
from .cancelling import cancel_request
from .claiming import ClaimResult, claim_task
from .common import ACTIVE, HOLDING, LIVE, TERMINAL, require_status
from .destination import NoGrid, RequestStart, begin_request, begin_request_in
from .escalation import escalate_overdue
from .facts import REFERRALS, SKILL_FIT, CardFacts, TaskView, skills_fit
from .fields import (
    MAX_SLOTS,
    SUMMARY_MAX,
    DateRefused,
    check_address,
    check_phone,
    check_slots,
    check_summary,
    clean_text,
    mask_phones,
    parse_hours,
)
from .grid_today import check_date, grid_today, tomorrow
from .intake import RequestDraft, create_request
from .listing import RequestView, my_requests, request_of
from .notices import (
    ClosedToResident,
    ClosedToVolunteer,
    Completed,
    ConfirmAsked,
    DoneReported,
    DuplicateFlagged,
    FollowedUp,
    LeaderConfirmed,
    LeadIntro,
    Rated,
    RatingCommented,
    Reassigned,
    Relayed,
    ReleasedToLeader,
    Reopened,
    RequestCancelled,
    RequestCard,
    TaskReleased,
    TaskStarted,
    TaskTaken,
    UnitClaimed,
    UnitClaimView,
    UnitMember,
    VolunteerComing,
)
from .proof import MAX_PHOTOS, Photo, ProofPhotos, ProofView, attach_proof, photo_file_id, request_photos
from .ratings import auto_confirm_due, comment_rating, confirm_outcome, leader_confirm, rate_request
from .relay import RelayTarget, open_relay, relay_message
from .task_details import live_task, my_tasks, task_view
from .tasks import Released, release_task, report_done, start_task
from .unit_claims import assign_member, claim_for_unit, unit_claim
from .unit_notices import UnitClaimEnded, UnitClaimTakenBack, UnitClaimWaiting, UnitMemberLeft
from .unit_release import reassign_unit_claim, release_unit_claim, remind_waiting_unit_claims, take_back_unit_claim

__all__ = [
    # 接单 by a paired unit (包联单位认领)
    "UnitClaimView",
    "UnitClaimed",
    "UnitClaimEnded",
    "UnitClaimTakenBack",
    "UnitClaimWaiting",
    "UnitHolding",
    "UnitMember",
    "UnitMemberLeft",
    "assign_member",
    "claim_for_unit",
    "reassign_unit_claim",
    "release_unit_claim",
    "remind_waiting_unit_claims",
    "take_back_unit_claim",
    "unit_claim",
    # 点单
    "NoGrid",
    "RequestDraft",
    "RequestStart",
    "begin_request",
    "begin_request_in",
    "cancel_request",
    "check_date",
    "DateRefused",
    "grid_today",
    "tomorrow",
    "create_request",
    "RequestView",
    "my_requests",
    "request_of",
    # 接单
    "ClaimResult",
    "TaskView",
    "claim_task",
    "live_task",
    "my_tasks",
    "Released",
    "release_task",
    "report_done",
    "start_task",
    "MAX_PHOTOS",
    "Photo",
    "attach_proof",
    "ProofView",
    "photo_file_id",
    "request_photos",
    "task_view",
    # 派单
    "Board",
    "BoardItem",
    "LeaderView",
    "VolunteerLoad",
    "board_for",
    "close_request",
    "dismiss_duplicate",
    "dispatch_task",
    "duplicate_candidates",
    "mark_duplicate",
    "mark_out_of_scope",
    "reassign_task",
    "request_for_leader",
    "volunteers_for",
    "escalate_overdue",
    # 评单
    "auto_confirm_due",
    "comment_rating",
    "confirm_outcome",
    "leader_confirm",
    "rate_request",
    # 💬
    "RelayTarget",
    "open_relay",
    "relay_message",
    # facts: states, inputs, what a card shows
    "ACTIVE",
    "HOLDING",
    "LIVE",
    "TERMINAL",
    "require_status",
    "REFERRALS",
    "SKILL_FIT",
    "CardFacts",
    "skills_fit",
    "MAX_SLOTS",
    "SUMMARY_MAX",
    "check_address",
    "check_phone",
    "check_slots",
    "check_summary",
    "clean_text",
    "mask_phones",
    "parse_hours",
    # notices
    "ClosedToResident",
    "ClosedToVolunteer",
    "Completed",
    "ConfirmAsked",
    "DoneReported",
    "DuplicateFlagged",
    "FollowedUp",
    "LeadIntro",
    "LeaderConfirmed",
    "Rated",
    "RatingCommented",
    "Reassigned",
    "Relayed",
    "ReleasedToLeader",
    "Reopened",
    "RequestCancelled",
    "RequestCard",
    "TaskReleased",
    "TaskStarted",
    "TaskTaken",
    "ProofPhotos",
    "VolunteerComing",
]
