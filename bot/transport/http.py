"""An aiohttp-based transport for python-telegram-bot.

PTB's default httpx transport scans its connection pool on every request and gets slower with
concurrent updates (TECH-NOTES); aiohttp's connector does not, so the bot uses this one.
"""

from __future__ import annotations

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

_JSON = {"Content-Type": "application/json"}


def _given(timeout: object, default: float | None) -> float | None:
    """A timeout PTB passed for this call, or `default` when it passed its DEFAULT_NONE marker
    (telegram's DefaultValue: "not given"; that class lives in a private module of PTB)."""
    if timeout is None or isinstance(timeout, (int, float)):
        return timeout
    return default


class AiohttpRequest(BaseRequest):
    def __init__(
        self,
        *,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        connect_timeout: float = 5.0,
        write_timeout: float = 5.0,
        media_write_timeout: float = 20.0,
    ) -> None:
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
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        read = _given(read_timeout, self._read_timeout)
        connect = _given(connect_timeout, self._connect_timeout)
        data: aiohttp.FormData | bytes | None = None
        headers: dict[str, str] | None = None
        files = request_data.multipart_data if request_data and request_data.contains_files else None
        write = self._media_write_timeout if files else self._write_timeout
        given_write = _given(write_timeout, None)
        if given_write is not None:
            write = given_write
        if files and request_data is not None:
            form = aiohttp.FormData()
            for name, value in request_data.json_parameters.items():
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
        except TimeoutError as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{type(err).__name__}: {err}") from err
