"""All tables; importing this registers them on SQLModel.metadata."""

from ._base import table_of
from .certificates import Certificate
from .follow import VisitIssue
from .life import DoorVisit, DutyResponse, Emergency, Event, EventSignup, PointsEntry
from .people import Person, RoleGrant, VolunteerProfile
from .places import ChatBinding, Community, Grid, Household, Pairing
from .requests import Assignment, HelpRequest, ProofPhoto, Rating, Relay
from .system import (
    AuditEntry,
    ConversationState,
    JobRun,
    LoginToken,
    OutboxMessage,
    PostedCard,
    ProcessedUpdate,
    UserData,
    WebSession,
)
from .units import Unit, UnitClaim, UnitCommunity

__all__ = [
    "Assignment",
    "AuditEntry",
    "Certificate",
    "ChatBinding",
    "Community",
    "ConversationState",
    "DoorVisit",
    "DutyResponse",
    "Emergency",
    "Event",
    "EventSignup",
    "Grid",
    "HelpRequest",
    "Household",
    "JobRun",
    "LoginToken",
    "OutboxMessage",
    "Pairing",
    "Person",
    "PointsEntry",
    "PostedCard",
    "ProcessedUpdate",
    "ProofPhoto",
    "Rating",
    "Relay",
    "RoleGrant",
    "UserData",
    "VisitIssue",
    "VolunteerProfile",
    "WebSession",
    "Unit",
    "UnitClaim",
    "UnitCommunity",
    "table_of",
]
