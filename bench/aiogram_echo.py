"""The peer: a bare aiogram 3 echo bot, run by bench/peer.py in its own environment (bench/peer.in:
aiogram caps pydantic below the version the bot pins, so it is not a dependency of the bot).

    <peer python> bench/aiogram_echo.py PORT TOKEN CONCURRENT

It talks to the sandbox at 127.0.0.1:PORT through aiogram's own aiohttp session
(`TelegramAPIServer.from_base`), answers every text with the same text as a reply (as PTB's
`reply_text` does in bench/echo.py), and handles up to CONCURRENT updates at once
(`tasks_concurrency_limit`). It prints "ready" once built, starts polling when it reads a line, and
stops polling when its standard input closes. It imports nothing of the project.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message


async def main(port: int, token: str, concurrent: int) -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(f"http://127.0.0.1:{port}"))
    bot = Bot(token=token, session=session)
    dp = Dispatcher()

    async def echo(message: Message) -> Any:
        if message.text is not None:
            await message.reply(message.text)

    dp.message.register(echo)  # (the decorator form, @dp.message(), is the same registration)

    loop = asyncio.get_running_loop()
    print("ready", flush=True)
    await loop.run_in_executor(None, sys.stdin.readline)  # go
    polling = asyncio.create_task(
        dp.start_polling(bot, polling_timeout=1, handle_signals=False, tasks_concurrency_limit=concurrent)
    )
    await loop.run_in_executor(None, sys.stdin.read)  # until the bench closes our input
    await dp.stop_polling()
    await polling


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2], int(sys.argv[3])))
