"""The machinery: outbox, posted cards, audit log, processed updates, conversations, jobs, web logins."""

from datetime import datetime

from sqlalchemy import BigInteger, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from ._base import created_at_field, ts_field


class OutboxMessage(SQLModel, table=True):
    """Every notification the bot sends on its own; `key` makes it exactly-once."""

    __tablename__ = "outbox"
    # card_ref: cards are edited and found by it (`= ref`, and `LIKE 'request-lead:42:%'`, which on
    # PostgreSQL needs the pattern operator class); 120 days of rows are kept (docs/performance.md)
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_card_ref", "card_ref", postgresql_ops={"card_ref": "varchar_pattern_ops"}),
    )
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)
    chat_id: int = Field(sa_type=BigInteger, index=True)
    kind: str = Field(default="send", max_length=16)  # OutboxKind
    payload: str = Field(sa_type=Text)  # JSON: text, buttons, silent, photo bytes (base64)...
    card_ref: str | None = Field(default=None, max_length=100)  # remember the sent message as this card
    urgent: bool = Field(default=False)
    status: str = Field(default="pending", max_length=16)  # OutboxStatus
    attempts: int = Field(default=0)
    next_attempt_at: datetime = created_at_field()
    created_at: datetime = created_at_field()
    sent_at: datetime | None = ts_field()
    message_id: int | None = Field(default=None, sa_type=BigInteger)
    last_error: str | None = Field(default=None, max_length=500)


class PostedCard(SQLModel, table=True):
    """Where a card (a request, an event, a call-up) was posted, so it can be edited in place."""

    __tablename__ = "posted_card"
    __table_args__ = (UniqueConstraint("ref", "chat_id"),)
    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(max_length=100, index=True)
    chat_id: int = Field(sa_type=BigInteger)
    message_id: int = Field(sa_type=BigInteger)
    created_at: datetime = created_at_field()


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = created_at_field()
    actor_id: int | None = Field(default=None, foreign_key="person.id")
    action: str = Field(max_length=64)
    entity: str = Field(max_length=32)
    entity_id: int | None = Field(default=None)
    detail: str = Field(default="", sa_type=Text)  # never addresses or phones


class ProcessedUpdate(SQLModel, table=True):
    """Update ids taken or handled (de-duplication across processes and restarts).
    `at` is when a process took the update; `done_at` is set once it was fully handled."""

    __tablename__ = "processed_update"
    update_id: int = Field(sa_type=BigInteger, primary_key=True)
    at: datetime = created_at_field()
    done_at: datetime | None = ts_field()


class ConversationState(SQLModel, table=True):
    """Where a person is in a guided conversation, so it survives restarts."""

    __tablename__ = "conversation_state"
    __table_args__ = (UniqueConstraint("name", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64)
    key: str = Field(max_length=100)
    state: str | None = Field(default=None, sa_type=Text)  # JSON
    updated_at: datetime = created_at_field()


class UserData(SQLModel, table=True):
    """Per-user scratch data of conversations (drafts), persisted."""

    __tablename__ = "user_data"
    tg_user_id: int = Field(sa_type=BigInteger, primary_key=True)
    data: str = Field(default="{}", sa_type=Text)
    updated_at: datetime = created_at_field()


class JobRun(SQLModel, table=True):
    """A scheduled job's period that was fully done (e.g. visit-morning 2026-W47 grid 3)."""

    __tablename__ = "job_run"
    __table_args__ = (UniqueConstraint("job", "period"),)
    id: int | None = Field(default=None, primary_key=True)
    job: str = Field(max_length=64)
    period: str = Field(max_length=64)
    done_at: datetime = created_at_field()


class LoginToken(SQLModel, table=True):
    """One-time dashboard link; only the hash is stored."""

    __tablename__ = "login_token"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    person_id: int = Field(foreign_key="person.id")
    expires_at: datetime = created_at_field()
    used_at: datetime | None = ts_field()


class WebSession(SQLModel, table=True):
    __tablename__ = "web_session"
    id: int | None = Field(default=None, primary_key=True)
    session_hash: str = Field(max_length=64, unique=True)
    person_id: int = Field(foreign_key="person.id")
    csrf_token: str = Field(max_length=64)
    locale: str = Field(default="zh-CN", max_length=16)
    expires_at: datetime = created_at_field()
