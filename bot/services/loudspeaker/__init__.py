"""小喇叭 notices: grid leaders and admins tell residents and volunteers; who hears them, their
delivery, the residents' mute, the history. What handlers, views, jobs and the dashboard use."""

from .audience import COMMUNITY, GRID, NoticePlace, Reach
from .history import NoticeRow, notice_history
from .mutes import notices_muted, set_notices_muted
from .notices import Announced, DeliveryCard
from .progress import refresh_deliveries
from .sending import (
    TEXT_MAX,
    Preview,
    Sent,
    check_audience,
    check_text,
    notice_places,
    preview,
    queue_recipients,
    send_announcement,
)

__all__ = [
    "COMMUNITY",
    "GRID",
    "TEXT_MAX",
    "Announced",
    "DeliveryCard",
    "NoticePlace",
    "NoticeRow",
    "Preview",
    "Reach",
    "Sent",
    "check_audience",
    "check_text",
    "notice_history",
    "notice_places",
    "notices_muted",
    "preview",
    "queue_recipients",
    "refresh_deliveries",
    "send_announcement",
    "set_notices_muted",
]
