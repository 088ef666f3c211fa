"""All tables; importing this registers them on SQLModel.metadata."""

from ._base import table_of
from .care import CarePlan, CareTask
from .certificates import Certificate
from .follow import VisitIssue
from .honour import HonourOptOut
from .life import DoorVisit, DutyResponse, Emergency, Event, EventSignup, PointsEntry
from .loudspeaker import Announcement, NoticeMute
from .people import Person, RoleGrant, VolunteerProfile
from .places import Building, BuildingHead, ChatBinding, Community, Grid, Household, Pairing
from .requests import Assignment, Department, HelpRequest, ProofPhoto, Rating, Referral, Relay
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
    "Announcement",
    "Assignment",
    "AuditEntry",
    "Building",
    "BuildingHead",
    "CarePlan",
    "CareTask",
    "Certificate",
    "ChatBinding",
    "Community",
    "ConversationState",
    "Department",
    "DoorVisit",
    "DutyResponse",
    "Emergency",
    "Event",
    "EventSignup",
    "Grid",
    "HelpRequest",
    "HonourOptOut",
    "Household",
    "JobRun",
    "LoginToken",
    "NoticeMute",
    "OutboxMessage",
    "Pairing",
    "Person",
    "PointsEntry",
    "PostedCard",
    "ProcessedUpdate",
    "ProofPhoto",
    "Rating",
    "Referral",
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
