"""An aiohttp-based transport for python-telegram-bot.

PTB's default httpx transport scans its connection pool on every request and gets slower with
concurrent updates (TECH-NOTES); aiohttp's connector does not, so the bot uses this one.
"""
from __future__ import annotations

import asyncio

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


_JSON = {"Content-Type": "application/json"}


class AiohttpRequest(BaseRequest):
    def __init__(self, *, connection_pool_size: int = 256, read_timeout: float | None = 5.0,
                 connect_timeout: float = 5.0, write_timeout: float = 5.0, media_write_timeout: float = 20.0) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._write_timeout = write_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size, ttl_dns_cache=300),
                headers={"User-Agent": self.USER_AGENT})

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout=BaseRequest.DEFAULT_NONE, write_timeout=BaseRequest.DEFAULT_NONE,
                         connect_timeout=BaseRequest.DEFAULT_NONE, pool_timeout=BaseRequest.DEFAULT_NONE,
                         ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        read = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        connect = self._connect_timeout if isinstance(connect_timeout, DefaultValue) else connect_timeout
        data: aiohttp.FormData | bytes | None = None
        headers: dict[str, str] | None = None
        files = request_data.multipart_data if request_data and request_data.contains_files else None
        write = self._media_write_timeout if files else self._write_timeout
        if not isinstance(write_timeout, DefaultValue) and write_timeout is not None:
            write = write_timeout
        if files:
            form = aiohttp.FormData()
            for name, value in request_data.json_parameters.items():  # type: ignore[union-attr]
                form.add_field(name, value)
            for name, part in files.items():
                filename, content, *mime = part if isinstance(part, tuple) else (name, part)
                form.add_field(name, content, filename=filename, content_type=mime[0] if mime else None)
            data = form
        elif request_data is not None:
            # one JSON body, as the Bot API accepts: url-encoding every field (each byte of Chinese
            # text as %XX) cost more CPU than the rest of building the request
            data, headers = request_data.json_payload, _JSON
        total = None if read is None else read + (write or 0) + (connect or 0)
        timeout = aiohttp.ClientTimeout(total=total, sock_connect=connect, sock_read=read)
        try:
            async with self._session.request(method, url, data=data, headers=headers, timeout=timeout) as resp:
                return resp.status, await resp.read()
        except asyncio.TimeoutError as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{type(err).__name__}: {err}") from err
