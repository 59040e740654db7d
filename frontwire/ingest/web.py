"""The safe fetcher: http(s) only, public addresses only (pinned against DNS rebinding), bounded time, size.

Every hop (the first request and each of at most ``max_redirects`` redirects) resolves the host,
refuses the whole URL if *any* address is not globally routable, then connects to the checked IP
itself: the request goes to ``scheme://IP:port/path`` with the original ``Host`` header and the
original name as TLS SNI (and certificate check), so a second DNS answer can never be used.
Connections are not kept alive, so a TLS connection made for one name is never reused for another
name served from the same IP.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from frontwire.config import Settings
from frontwire.errors import (
    BlockedAddressError,
    EmptyInput,
    FetchError,
    FrontwireError,
    TooLarge,
    UnsupportedFormat,
)
from frontwire.ingest.base import Context, Entries, skip
from frontwire.ingest.sniff import (
    FEED_TYPES,
    GENERIC_TYPES,
    HEAD_BYTES,
    HTML_TYPES,
    TEXT_TYPES,
    media_type,
    sniff,
)
from frontwire.model import RawItem

# (host, port) -> the host's addresses as strings; socket.getaddrinfo by default, a fake in tests.
Resolver = Callable[[str, int], list[str]]

MAX_REDIRECTS = 5
_REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
_ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
    "application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.1"
)
# Well-known IPv6 prefixes that carry an IPv4 address in their low bits (NAT64).
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


@dataclass(frozen=True, slots=True)
class FetchResult:
    """One fetched response: the URL asked for, where it ended after redirects, and its body."""

    url: str
    final_url: str
    status: int
    content_type: str | None
    data: bytes
    fetched_at: str  # ISO datetime, UTC


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for ``host`` (order kept, duplicates dropped)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: dict[str, None] = {}
    for info in infos:
        seen.setdefault(str(info[4][0]), None)
    return list(seen)


def address_problem(ip: str) -> str | None:
    """Why an address must not be reached ('loopback', 'private', ...), or None for a global address."""
    try:
        addr = ipaddress.ip_address(ip.split("%", 1)[0])  # drop an IPv6 zone ('fe80::1%eth0')
    except ValueError:
        return "invalid"
    if isinstance(addr, ipaddress.IPv6Address):
        # An IPv6 address can smuggle an IPv4 one (mapped, 6to4, Teredo, NAT64): judge that one too.
        embedded: list[ipaddress.IPv4Address] = []
        if addr.ipv4_mapped is not None:
            embedded.append(addr.ipv4_mapped)
        if addr.sixtofour is not None:
            embedded.append(addr.sixtofour)
        if addr.teredo is not None:
            embedded.extend(addr.teredo)
        if addr in _NAT64:
            embedded.append(ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF))
        for inner in embedded:
            problem = address_problem(str(inner))
            if problem:
                return f"{problem} (embedded in {addr})"
    checks = (
        ("unspecified", addr.is_unspecified),
        ("loopback", addr.is_loopback),
        ("link-local", addr.is_link_local),
        ("multicast", addr.is_multicast),
        ("private", addr.is_private),
        ("reserved", addr.is_reserved),
    )
    for name, hit in checks:
        if hit:
            return name
    if isinstance(addr, ipaddress.IPv6Address) and addr.is_site_local:
        return "site-local"
    if not addr.is_global:
        return "non-global"  # e.g. 100.64.0.0/10, carrier-grade NAT
    return None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Fetcher:
    """Fetch one URL safely; see the module docstring for the rules.

    ``transport`` and ``resolver`` exist so tests run offline (``httpx.MockTransport`` and a fake
    resolver). ``allow_private`` lifts the address rule and is meant for tests against a local server.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        resolver: Resolver | None = None,
        allow_private: bool = False,
        max_redirects: int = MAX_REDIRECTS,
    ) -> None:
        self.settings = settings or Settings()
        self.resolver = resolver or system_resolver
        self.allow_private = allow_private
        self.max_redirects = max_redirects
        self._client = httpx.Client(
            transport=transport,
            follow_redirects=False,  # each hop is re-checked here
            trust_env=False,  # a proxy would connect on our behalf and defeat the address check
            limits=httpx.Limits(max_keepalive_connections=0),
            headers={"User-Agent": self.settings.user_agent, "Accept": _ACCEPT},
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def check_host(self, host: str, port: int) -> str:
        """Resolve ``host`` and return the address to connect to; raise when any address is refused."""
        try:
            addresses = [str(ipaddress.ip_address(host.strip("[]")))]
        except ValueError:
            try:
                addresses = self.resolver(host, port)
            except (OSError, UnicodeError) as exc:  # socket.gaierror is an OSError
                raise FetchError(f"cannot resolve host {host!r}: {exc}") from exc
        if not addresses:
            raise FetchError(f"cannot resolve host {host!r}: no addresses")
        if not self.allow_private:
            for ip in addresses:
                problem = address_problem(ip)
                if problem:
                    raise BlockedAddressError(
                        f"host {host!r} resolves to {ip}, a {problem} address: refused "
                        "(only public internet addresses are fetched)"
                    )
        return addresses[0]

    def fetch(self, url: str) -> FetchResult:
        """GET ``url``; raises FetchError, BlockedAddressError or TooLarge instead of returning a failure."""
        timeout = self.settings.fetch_timeout
        deadline = time.monotonic() + timeout
        try:
            current = httpx.URL(url)
        except (httpx.InvalidURL, TypeError, ValueError) as exc:
            raise FetchError(f"{url}: not a valid URL ({exc})") from exc
        for _hop in range(self.max_redirects + 1):
            if current.scheme not in ("http", "https"):
                raise FetchError(f"{url}: scheme {current.scheme or 'none'!r} refused (only http and https)")
            host = current.raw_host.decode("ascii")  # IDNA-encoded: what DNS and SNI take
            if not host:
                raise FetchError(f"{url}: no host in {current}")
            port = current.port or (443 if current.scheme == "https" else 80)
            try:
                ip = self.check_host(host, port)
            except FetchError as exc:
                raise type(exc)(f"{url}: {exc}") from exc
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise FetchError(f"{url}: timed out after {timeout:g} s")
            extensions = {"sni_hostname": host} if current.scheme == "https" else {}
            request = self._client.build_request(
                "GET",
                current.copy_with(host=ip),
                headers={"Host": current.netloc.decode("ascii")},
                extensions=extensions,
                timeout=httpx.Timeout(remaining),
            )
            try:
                response = self._client.send(request, stream=True)
            except httpx.TimeoutException as exc:
                raise FetchError(f"{url}: timed out after {timeout:g} s") from exc
            except httpx.HTTPError as exc:
                raise FetchError(f"{url}: cannot connect to {host} ({type(exc).__name__}: {exc})") from exc
            try:
                if response.status_code in _REDIRECT_CODES and response.headers.get("location"):
                    try:
                        current = current.join(response.headers["location"])
                    except (httpx.InvalidURL, ValueError) as exc:
                        raise FetchError(f"{url}: bad redirect location ({exc})") from exc
                    continue
                if response.status_code >= 400:
                    phrase = response.reason_phrase or ""
                    raise FetchError(f"{url}: HTTP {response.status_code} {phrase}".rstrip())
                if response.status_code >= 300:
                    raise FetchError(f"{url}: HTTP {response.status_code} without a usable Location")
                data = self._read_body(url, response, deadline, timeout)
                return FetchResult(
                    url=url,
                    final_url=str(current),
                    status=response.status_code,
                    content_type=response.headers.get("content-type"),
                    data=data,
                    fetched_at=_now(),
                )
            finally:
                response.close()
                # Requests go to IPs, so cookies would be filed under an IP that other sites share.
                self._client.cookies.clear()
        raise FetchError(f"{url}: more than {self.max_redirects} redirects")

    def _read_body(self, url: str, response: httpx.Response, deadline: float, timeout: float) -> bytes:
        cap = self.settings.fetch_max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise TooLarge(
                f"{url}: response of {declared} bytes is over the limit of {cap} bytes (fetch_max_bytes)"
            )
        chunks: list[bytes] = []
        size = 0
        # httpcore reads the request's timeout dict at each socket read: shrinking it as the deadline
        # nears keeps a stalled body from waiting a full timeout more (the check below is the rule).
        timeouts = response.request.extensions.get("timeout")
        try:
            # iter_bytes decodes gzip/deflate, so the cap also bounds a compression bomb.
            for chunk in self._chunks(response, timeouts, deadline):
                size += len(chunk)
                if size > cap:
                    raise TooLarge(f"{url}: response body is over the limit of {cap} bytes (fetch_max_bytes)")
                chunks.append(chunk)
                # Per-read timeouts alone would let a server dribble bytes forever.
                if time.monotonic() > deadline:
                    raise FetchError(f"{url}: timed out after {timeout:g} s")
        except httpx.TimeoutException as exc:
            raise FetchError(f"{url}: timed out after {timeout:g} s") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"{url}: body could not be read ({type(exc).__name__}: {exc})") from exc
        return b"".join(chunks)

    @staticmethod
    def _chunks(response: httpx.Response, timeouts: object, deadline: float) -> Iterator[bytes]:
        stream = response.iter_bytes()
        while True:
            if isinstance(timeouts, dict):
                timeouts["read"] = max(deadline - time.monotonic(), 0.001)
            chunk = next(stream, None)
            if chunk is None:
                return
            yield chunk


def items_from_response(
    result: FetchResult, source: str, ctx: Context, *, allow_feed: bool = True
) -> Entries:
    """Items of a fetched response: an HTML page, a plain text, or a feed's items (by type, then by bytes)."""
    data = result.data
    ctype = media_type(result.content_type)
    fmt = sniff(data[:HEAD_BYTES])
    if fmt == "empty":
        raise EmptyInput(f"{source}: empty response body")
    if fmt == "feed" or (ctype in FEED_TYPES and fmt in ("xml", "text")):
        if not allow_feed:
            # A feed item linking to another feed would let a feed make us crawl.
            raise UnsupportedFormat(f"{source}: the linked page is a feed, not an article")
        from frontwire.ingest.feeds import iter_feed

        yield from iter_feed(
            data,
            source,
            ctx,
            base_url=result.final_url,
            content_type=result.content_type,
            fetched_at=result.fetched_at,
        )
        return
    if fmt in ("binary", "gzip", "warc"):
        raise UnsupportedFormat(f"{source}: {ctype or 'untyped'} response holds {fmt} content, not a page")
    if ctype in HTML_TYPES or (fmt == "html" and (ctype in TEXT_TYPES or ctype in GENERIC_TYPES)):
        kind = "html"
    elif ctype in TEXT_TYPES or (ctype in GENERIC_TYPES and fmt in ("text", "jsonl")):
        kind = "text"
    else:
        raise UnsupportedFormat(f"{source}: content type {ctype or 'none'} is not HTML, text or a feed")
    yield RawItem(
        source=source,
        data=data,
        kind=kind,
        url=result.final_url,
        content_type=result.content_type,
        fetched_at=result.fetched_at,
    )


def iter_url(url: str, ctx: Context) -> Entries:
    """Fetch one URL given as input and yield its item(s), or a skip."""
    try:
        result = ctx.fetcher().fetch(url)
        yield from items_from_response(result, url, ctx)
    except FrontwireError as exc:
        yield skip(url, exc)


def fetch_page(link: str, source: str, ctx: Context) -> RawItem:
    """Fetch a page that a container points to (feed item link, JSONL ``url``): one HTML or text item.

    Raises a FrontwireError when it cannot; a link to another feed is refused (no crawling).
    """
    result = ctx.fetcher().fetch(link)
    entry = next(items_from_response(result, source, ctx, allow_feed=False))
    if not isinstance(entry, RawItem):  # allow_feed=False: a page or an error, never a skip
        raise UnsupportedFormat(f"{source}: {entry.message}")
    return entry
