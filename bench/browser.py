"""The class-period benchmark's browser: a cookie jar of its own, its own loopback address, a
kept connection, and the request timed into the bell's results (bench/classload.py)."""

import asyncio
import http.client
import io
import os
import time
import urllib.parse
from dataclasses import dataclass

REQUEST_TIMEOUT = 120.0
NEW_CONNECTIONS = os.environ.get("BENCH_NEW_CONNECTIONS") == "1"  # as with sync workers


class Failed(Exception):
    """A request that did not answer as a browser expects: counted as an error."""


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str

    @property
    def location(self) -> str:
        return urllib.parse.urlsplit(self.headers.get("Location", "")).path


class Browser:
    """One student's or teacher's browser: its cookies, its own loopback address, and one
    connection kept open between requests, as a browser keeps it with a threaded gunicorn worker
    (gunicorn.conf.py's keepalive); a connection the server has closed meanwhile is opened again
    and the request sent again, as browsers do. BENCH_NEW_CONNECTIONS=1: a new connection for
    every request (`Connection: close`), as with a sync worker, which closes each one."""

    def __init__(self, host: str, port: int, address: str, results):
        """`results`: the bell's Results (bench/classload.py), which each timed request joins."""
        self.host, self.port, self.address, self.results = host, port, address, results
        self.cookies: dict[str, str] = {}  # the server's cookies are host-only, for every path
        self.connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def request(self, method: str, path: str, fields: dict | list | None = None) -> Answer:
        body = urllib.parse.urlencode(fields).encode() if fields is not None else b""
        head = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            "Connection: close" if NEW_CONNECTIONS else "Connection: keep-alive",
            "User-Agent: dongui-classload",
            "Accept-Language: ko-KR,ko",
        ]
        if self.cookies:
            head.append("Cookie: " + "; ".join(f"{name}={value}" for name, value in self.cookies.items()))
        if method == "POST":
            head += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        message = "\r\n".join(head).encode() + b"\r\n\r\n" + body
        reused = self.connection is not None
        try:
            answer = await self.exchange(message)
        except (ConnectionError, asyncio.IncompleteReadError):
            if not reused:
                raise
            self.close()  # the server closed the kept connection before answering: send again
            answer = await self.exchange(message)
        self.keep_cookies(answer)
        return answer

    def keep_cookies(self, answer: Answer) -> None:
        """Set-Cookie as a browser keeps it (the bench needs no more than Flask sends: a value, or
        an expiry in the past that deletes it)."""
        for header in answer.headers.get_all("Set-Cookie") or []:
            pair, *attributes = header.split(";")
            name, _sep, value = pair.strip().partition("=")
            gone = any(
                a.strip().lower() in ("max-age=0", "expires=thu, 01 jan 1970 00:00:00 gmt")
                for a in attributes
            )
            if gone or not value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    async def exchange(self, message: bytes) -> Answer:
        if self.connection is None:
            self.connection = await asyncio.open_connection(
                self.host, self.port, local_addr=(self.address, 0)
            )
        reader, writer = self.connection
        try:
            writer.write(message)
            answer = await read_answer(reader)
        except BaseException:
            self.close()
            raise
        if NEW_CONNECTIONS or answer.headers.get("Connection", "").lower() == "close":
            self.close()
        return answer

    def close(self) -> None:
        if self.connection is not None:
            self.connection[1].close()
            self.connection = None

    async def timed(self, label: str, method: str, path: str, fields=None, expect: int = 200) -> Answer:
        started = time.perf_counter()
        try:
            answer = await asyncio.wait_for(self.request(method, path, fields), REQUEST_TIMEOUT)
        except (OSError, ValueError, EOFError, http.client.HTTPException) as exc:
            self.results.errors.append((label, f"{method} {path}: {type(exc).__name__} {exc}"))
            raise Failed from exc
        took = time.perf_counter() - started
        self.results.latencies[label].append(took)
        self.results.timeline.append((started - self.results.bell, label, took))
        if answer.status != expect:
            self.results.errors.append((label, f"{method} {path}: {answer.status}, expected {expect}"))
            raise Failed
        return answer

    async def submit(self, label: str, path: str, fields, goes_to: str, then: str) -> Answer:
        """A POST that redirects, and the GET of where it leads (at once, as a browser does)."""
        answer = await self.timed(label, "POST", path, fields, expect=302)
        if not answer.location.startswith(goes_to):
            self.results.errors.append((label, f"POST {path} led to {answer.location!r}, not {goes_to!r}"))
            raise Failed
        return await self.timed(then, "GET", answer.location)


async def read_answer(reader: asyncio.StreamReader) -> Answer:
    """One HTTP/1.1 answer off the connection: its head, then a body by Content-Length or in
    chunks (or up to the connection's end when it says neither)."""
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, _sep, header_lines = head[:-4].partition(b"\r\n")
    parts = status_line.split(None, 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/"):
        raise ValueError(f"not an HTTP answer: {status_line[:60]!r}")
    headers = http.client.parse_headers(io.BytesIO(header_lines + b"\r\n\r\n"))
    if headers.get("Transfer-Encoding", "").lower() == "chunked":
        chunks = []
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            chunks.append(await reader.readexactly(size + 2))
        await reader.readuntil(b"\r\n")  # the empty trailer
        body = b"".join(chunk[:-2] for chunk in chunks)
    elif (length := headers.get("Content-Length")) is not None:
        body = await reader.readexactly(int(length))
    else:
        body = await reader.read()
    return Answer(int(parts[1]), headers, body.decode("utf-8", "replace"))
