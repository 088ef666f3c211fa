"""小喇叭: the notices grid leaders and admins send to residents and volunteers, and who muted them."""

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from ._base import created_at_field, ts_field


class Announcement(SQLModel, table=True):
    """One notice and its delivery. Its messages are outbox rows whose card_ref is `ann:<id>`, so
    the counts are read from the outbox while it drains, then kept here (the outbox forgets)."""

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    grid_id: int | None = Field(default=None, foreign_key="grid.id", index=True)  # None: the whole community
    sender_id: int = Field(foreign_key="person.id")
    audience: str = Field(max_length=16)  # Audience
    urgent: bool = Field(default=False)
    text: str = Field(sa_type=Text)
    recipients: int = Field(default=0)  # private chats and group chats it was queued for
    groups: int = Field(default=0)  # of which group chats
    muted: int = Field(default=0)  # residents left out because they muted non-urgent notices
    delivered: int = Field(default=0)
    failed: int = Field(default=0)
    created_at: datetime = created_at_field()
    queued_at: datetime | None = ts_field()  # every recipient's message is in the outbox
    finished_at: datetime | None = ts_field(index=True)  # nothing left to send: the counts are final


class NoticeMute(SQLModel, table=True):
    """A resident who wants no non-urgent notices (urgent ones and volunteers' notices still reach them)."""

    __tablename__ = "notice_mute"
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    muted_at: datetime = created_at_field()
