"""Group chats bound to grids: each grid has one volunteer group and one residents group."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import InvalidInput, NotAllowed, NotFound
from bot.services.kernel.roles import Actor, can_lead, ensure_person, led_grids
from bot.services.places.grids import get_grid
from storage import audit
from storage.enums import ChatKind
from storage.models import ChatBinding, Grid


@dataclass
class BindResult:
    binding: ChatBinding
    grid: Grid
    unchanged: bool = False  # it was already bound exactly like this
    replaced_title: str | None = None  # the grid's previous group of this kind, now unbound


async def bindable_grids(core: Core, actor: Actor) -> list[Grid]:
    """Grids the person may bind a chat to; a friendly refusal when there are none."""
    async with core.db.session() as s:
        grids = await led_grids(s, await ensure_person(s, actor))
    if not grids:
        raise NotAllowed("groups.not_allowed")
    return grids


async def _chat_binding(session: AsyncSession, chat_id: int) -> ChatBinding | None:
    return (await session.execute(select(ChatBinding).where(col(ChatBinding.chat_id) == chat_id))).scalars().first()


async def bind_chat(
    core: Core,
    actor: Actor,
    *,
    chat_id: int,
    title: str,
    grid_id: int,
    kind: ChatKind,
    bot_is_member: bool,
    invite_link: str | None = None,
) -> BindResult:
    """Bind a group to a grid. The person must lead the grid (or administer its community), and
    also the grid the chat was bound to before, if any. The grid's previous group of that kind
    is unbound (a grid has one of each)."""
    if chat_id >= 0:
        raise InvalidInput("groups.only_in_groups")
    if not bot_is_member:
        raise InvalidInput("groups.bot_not_member")
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        grid = await get_grid(s, grid_id)
        if not await can_lead(s, person, grid_id):
            raise NotAllowed("groups.not_your_grid", grid=grid.name)
        current = await _chat_binding(s, chat_id)
        if current is not None:
            if current.grid_id == grid_id and current.kind == kind.value:
                if invite_link and current.invite_link != invite_link:
                    current.invite_link = invite_link
                    s.add(current)
                return BindResult(current, grid, unchanged=True)
            if not await can_lead(s, person, current.grid_id):
                raise NotAllowed("groups.bound_elsewhere")
            await audit.record(
                s,
                person.id,
                "chat.unbind",
                "grid",
                current.grid_id,
                chat_id=chat_id,
                kind=current.kind,
                reason="rebound",
            )
            await s.delete(current)
        replaced = (
            (
                await s.execute(
                    select(ChatBinding).where(col(ChatBinding.grid_id) == grid_id, col(ChatBinding.kind) == kind.value)
                )
            )
            .scalars()
            .first()
        )
        replaced_title = None
        if replaced is not None:
            replaced_title = replaced.title or str(replaced.chat_id)
            await audit.record(
                s,
                person.id,
                "chat.unbind",
                "grid",
                grid_id,
                chat_id=replaced.chat_id,
                kind=kind.value,
                reason="replaced",
            )
            await s.delete(replaced)
        await s.flush()
        binding = ChatBinding(
            chat_id=chat_id,
            grid_id=grid_id,
            kind=kind.value,
            title=(title or "")[:255],
            invite_link=invite_link,
            bound_by=person.id,
            created_at=core.clock.now(),
        )
        s.add(binding)
        await s.flush()
        await audit.record(s, person.id, "chat.bind", "grid", grid_id, chat_id=chat_id, kind=kind.value)
        return BindResult(binding, grid, replaced_title=replaced_title)


async def unbind_chat(core: Core, actor: Actor, chat_id: int) -> tuple[ChatBinding, Grid]:
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        binding = await _chat_binding(s, chat_id)
        if binding is None:
            raise NotFound("groups.not_bound")
        grid = await get_grid(s, binding.grid_id)
        if not await can_lead(s, person, binding.grid_id):
            raise NotAllowed("groups.not_your_grid", grid=grid.name)
        await s.delete(binding)
        await audit.record(s, person.id, "chat.unbind", "grid", binding.grid_id, chat_id=chat_id, kind=binding.kind)
        return binding, grid


async def binding_of_chat(core: Core, chat_id: int) -> tuple[ChatBinding, Grid] | None:
    async with core.db.session() as s:
        binding = await _chat_binding(s, chat_id)
        if binding is None:
            return None
        return binding, await get_grid(s, binding.grid_id)


async def remember_invite_link(core: Core, chat_id: int, link: str | None) -> None:
    """The bot exported a fresh invite link for a bound group (system action, no actor)."""
    async with core.db.session() as s:
        binding = await _chat_binding(s, chat_id)
        if binding is None or binding.invite_link == link:
            return
        binding.invite_link = link
        s.add(binding)
        await audit.record(s, None, "chat.invite_link", "grid", binding.grid_id, chat_id=chat_id)


async def chat_migrated(core: Core, old_chat_id: int, new_chat_id: int) -> bool:
    """A group became a supergroup (new chat id): keep its binding."""
    async with core.db.session() as s:
        binding = await _chat_binding(s, old_chat_id)
        if binding is None or await _chat_binding(s, new_chat_id) is not None:
            return False
        binding.chat_id = new_chat_id
        s.add(binding)
        await audit.record(
            s, None, "chat.migrate", "grid", binding.grid_id, old_chat_id=old_chat_id, chat_id=new_chat_id
        )
        return True
