"""Tests of frontwire/ingest/web.py: the safe fetcher offline (mock transport, fake resolver), on sockets."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from frontwire.config import Settings
from frontwire.errors import BlockedAddressError, FetchError, TooLarge
from frontwire.ingest import iter_items
from frontwire.ingest.web import Fetcher, address_problem
from frontwire.model import RawItem
from frontwire.pipeline import Outcome

PUBLIC_V4 = "93.184.216.34"
PUBLIC_V6 = "2606:2800:220:1:248:1893:25c8:1946"
PAGE = b"<html><body><p>Officials said the bridge was repaired.</p></body></html>"


def fetcher_for(
    handler: Callable[[httpx.Request], httpx.Response],
    resolve: dict[str, list[str]] | None = None,
    settings: Settings | None = None,
) -> tuple[Fetcher, list[httpx.Request]]:
    """A Fetcher over a mock transport; every name resolves to a public address unless ``resolve`` says."""
    seen: list[httpx.Request] = []

    def recording(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    def resolver(host: str, port: int) -> list[str]:
        if resolve is not None and host in resolve:
            return resolve[host]
        return [PUBLIC_V4]

    fetcher = Fetcher(settings or Settings(), transport=httpx.MockTransport(recording), resolver=resolver)
    return fetcher, seen


def html_page(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, headers={"Content-Type": "text/html; charset=utf-8"}, content=PAGE)


# --- address rules -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ip", "problem"),
    [
        ("127.0.0.1", "loopback"),
        ("10.20.30.40", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.251", "multicast"),
        ("::1", "loopback"),
        ("fe80::1%eth0", "link-local"),
        ("fc00::1", "private"),
        ("::", "unspecified"),
        ("ff02::1", "multicast"),
        ("100.64.0.1", "non-global"),
    ],
)
def test_web_address_problem_names_non_public_addresses(ip: str, problem: str) -> None:
    assert address_problem(ip) == problem


def test_web_address_problem_sees_ipv4_hidden_in_ipv6() -> None:
    assert address_problem("::ffff:127.0.0.1") is not None  # IPv4-mapped loopback
    assert address_problem("2002:0a00:0001::1") is not None  # 6to4 of 10.0.0.1
    assert address_problem("64:ff9b::a9fe:a9fe") is not None  # NAT64 of 169.254.169.254


def test_web_address_problem_accepts_public_addresses() -> None:
    assert address_problem(PUBLIC_V4) is None
    assert address_problem(PUBLIC_V6) is None


# --- offline fetches (mock transport) ------------------------------------------------------------


def test_web_fetch_connects_to_the_checked_ip_with_original_host() -> None:
    fetcher, seen = fetcher_for(html_page)
    with fetcher:
        result = fetcher.fetch("https://news.example/2023/03/07/bridge?x=1")
    assert result.data == PAGE and result.status == 200
    assert result.final_url == "https://news.example/2023/03/07/bridge?x=1"
    assert result.content_type == "text/html; charset=utf-8"
    assert result.fetched_at.endswith("+00:00")
    (request,) = seen
    assert request.url.host == PUBLIC_V4  # pinned: no second DNS lookup can redirect the connection
    assert request.url.raw_path == b"/2023/03/07/bridge?x=1"
    assert request.headers["host"] == "news.example"
    assert request.extensions["sni_hostname"] == "news.example"  # TLS name and certificate check


def test_web_fetch_pins_ipv6_and_keeps_port_in_host_header() -> None:
    fetcher, seen = fetcher_for(html_page, resolve={"v6.example": [PUBLIC_V6]})
    fetcher.fetch("http://v6.example:8080/a")
    assert seen[0].url.host == PUBLIC_V6 and seen[0].url.port == 8080
    assert seen[0].headers["host"] == "v6.example:8080"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://10.0.0.8/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8080/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://192.168.0.1/",
    ],
)
def test_web_refuses_private_literal_addresses(url: str) -> None:
    fetcher, seen = fetcher_for(html_page)
    with pytest.raises(BlockedAddressError, match="refused"):
        fetcher.fetch(url)
    assert seen == []  # nothing was sent


def test_web_refuses_a_name_when_any_address_is_private() -> None:
    fetcher, seen = fetcher_for(html_page, resolve={"mixed.example": [PUBLIC_V4, "10.1.1.1"]})
    with pytest.raises(BlockedAddressError, match=r"10\.1\.1\.1"):
        fetcher.fetch("http://mixed.example/")
    assert seen == []


def test_web_refuses_redirect_to_private_address() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})

    fetcher, seen = fetcher_for(handler)
    with pytest.raises(BlockedAddressError):
        fetcher.fetch("http://news.example/story")
    assert len(seen) == 1  # the redirect target was never requested


def test_web_refuses_redirect_to_name_resolving_private() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.headers["host"] == "news.example":
            return httpx.Response(301, headers={"Location": "http://intranet.example/secret"})
        return html_page(request)

    fetcher, seen = fetcher_for(handler, resolve={"intranet.example": ["192.168.10.5"]})
    with pytest.raises(BlockedAddressError, match=r"intranet\.example"):
        fetcher.fetch("http://news.example/")
    assert len(seen) == 1


def test_web_follows_relative_redirect_and_reports_final_url() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old":
            return httpx.Response(301, headers={"Location": "/new"})
        return html_page(request)

    fetcher, seen = fetcher_for(handler)
    result = fetcher.fetch("https://news.example/old")
    assert result.url == "https://news.example/old"
    assert result.final_url == "https://news.example/new"
    assert [r.url.path for r in seen] == ["/old", "/new"]
    assert all(r.headers["host"] == "news.example" for r in seen)


def test_web_keeps_no_cookies_between_fetches() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"Set-Cookie": "session=abc", "Content-Type": "text/html"}
        return httpx.Response(200, headers=headers, content=PAGE)

    fetcher, seen = fetcher_for(handler)
    fetcher.fetch("http://a.example/")
    fetcher.fetch("http://b.example/")  # same IP as a.example in this test
    assert "cookie" not in seen[1].headers


def test_web_stops_after_five_redirects() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        step = int(request.url.path.strip("/") or 0)
        return httpx.Response(302, headers={"Location": f"/{step + 1}"})

    fetcher, seen = fetcher_for(handler)
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetcher.fetch("http://news.example/0")
    assert len(seen) == 6  # the first request and five redirects


def test_web_refuses_redirect_to_other_scheme() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "file:///etc/passwd"})

    fetcher, _ = fetcher_for(handler)
    with pytest.raises(FetchError, match="only http and https"):
        fetcher.fetch("http://news.example/")


@pytest.mark.parametrize("status", [404, 410, 500, 503])
def test_web_http_errors_raise_fetch_error(status: int) -> None:
    fetcher, _ = fetcher_for(lambda request: httpx.Response(status, content=b"nope"))
    with pytest.raises(FetchError, match=f"HTTP {status}"):
        fetcher.fetch("http://news.example/missing")


def test_web_dead_url_raises_fetch_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    fetcher, _ = fetcher_for(handler)
    with pytest.raises(FetchError, match=r"cannot connect to news\.example"):
        fetcher.fetch("http://news.example/")


def test_web_timeout_raises_fetch_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("read timed out", request=request)

    fetcher, _ = fetcher_for(handler, settings=Settings(fetch_timeout=3.0))
    with pytest.raises(FetchError, match="timed out after 3 s"):
        fetcher.fetch("http://news.example/")


def test_web_dns_failure_raises_fetch_error() -> None:
    def resolver(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    fetcher = Fetcher(Settings(), transport=httpx.MockTransport(html_page), resolver=resolver)
    with pytest.raises(FetchError, match=r"cannot resolve host 'nowhere\.example'"):
        fetcher.fetch("http://nowhere.example/")


def test_web_other_schemes_and_bad_urls_are_refused() -> None:
    fetcher, seen = fetcher_for(html_page)
    for url in ("ftp://news.example/file", "file:///etc/passwd", "gopher://x/", "http:///nohost"):
        with pytest.raises(FetchError):
            fetcher.fetch(url)
    assert seen == []


def test_web_declared_oversize_body_raises_too_large() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "text/html"}, content=b"x" * 5000)

    fetcher, _ = fetcher_for(handler, settings=Settings(fetch_max_bytes=1000))
    with pytest.raises(TooLarge, match="1000 bytes"):
        fetcher.fetch("http://news.example/big")


def test_web_streamed_oversize_body_raises_too_large() -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(100):  # no Content-Length: only counting the stream can stop it
            yield b"y" * 100

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "text/html"}, content=chunks())

    fetcher, _ = fetcher_for(handler, settings=Settings(fetch_max_bytes=1000))
    with pytest.raises(TooLarge):
        fetcher.fetch("http://news.example/stream")


# --- URLs through iter_items --------------------------------------------------------------------


def _by_type(handler_map: dict[str, tuple[str, bytes]]) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        ctype, body = handler_map[request.url.path]
        return httpx.Response(200, headers={"Content-Type": ctype}, content=body)

    return handler


RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
<item><title>One</title><link>https://news.example/one</link>
<description>Troops moved east.</description></item>
</channel></rss>"""


def test_web_urls_become_items_by_content_type() -> None:
    handler = _by_type(
        {
            "/page": ("text/html; charset=utf-8", PAGE),
            "/note": ("text/plain", b"Officials said the bridge was repaired."),
            "/doc.pdf": ("application/pdf", b"%PDF-1.7 binary"),
            "/feed": ("application/rss+xml", RSS),
            "/sniffed": ("application/octet-stream", RSS),
        }
    )
    fetcher, _ = fetcher_for(handler)
    base = "https://news.example"
    urls = [f"{base}/page", f"{base}/note", f"{base}/doc.pdf", f"{base}/feed", f"{base}/sniffed"]
    out = list(iter_items(urls, Settings(), fetcher=fetcher))
    assert [o.source for o in out] == [urls[0], urls[1], urls[2], urls[3] + "#1", urls[4] + "#1"]
    page, note, pdf, item, sniffed = out
    assert isinstance(page, RawItem) and page.kind == "html" and page.url == urls[0] and page.fetched_at
    assert isinstance(note, RawItem) and note.kind == "text"
    assert isinstance(pdf, Outcome) and pdf.skip_reason == "unsupported_format"
    assert isinstance(item, RawItem) and item.kind == "article" and item.title == "One"
    assert item.url == "https://news.example/one" and item.outlet == "Wire"
    assert isinstance(sniffed, RawItem) and sniffed.kind == "article"


def test_web_url_failures_are_skips_in_order() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/gone":
            return httpx.Response(404)
        if request.url.path == "/down":
            raise httpx.ConnectError("refused", request=request)
        return html_page(request)

    fetcher, _ = fetcher_for(handler)
    urls = [
        "http://news.example/gone",
        "http://news.example/down",
        "http://10.0.0.1/",
        "http://news.example/ok",
    ]
    out = list(iter_items(urls, Settings(), fetcher=fetcher))
    assert [o.source for o in out] == urls
    reasons = [getattr(o, "skip_reason", None) for o in out]
    assert reasons == ["fetch_failed", "fetch_failed", "blocked_address", None]


# --- real sockets ---------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    hits = 0

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        type(self).hits += 1
        if self.path == "/slow":
            time.sleep(1.5)  # longer than the test timeout before any byte
        if self.path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                for _ in range(15):  # each byte comes well within a per-read timeout
                    self.wfile.write(b"<")
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:  # the client gave up, as it should
                pass
            return
        if self.path == "/stall":
            time.sleep(0.3)  # a slow start uses up most of the limit
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                self.wfile.write(b"<html>")
                self.wfile.flush()
                time.sleep(1.5)  # then nothing for longer than the whole limit
            except OSError:
                pass
            return
        if self.path == "/big":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()  # no Content-Length: the body just keeps coming
            try:
                for _ in range(50):
                    self.wfile.write(b"z" * 1000)
            except OSError:
                pass
            return
        body = PAGE
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def local_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_web_real_socket_to_loopback_is_refused(local_server: str) -> None:
    before = _Handler.hits
    with Fetcher(Settings()) as fetcher:
        with pytest.raises(BlockedAddressError, match="loopback"):
            fetcher.fetch(local_server + "/page")
        port = local_server.rsplit(":", 1)[1]
        with pytest.raises(BlockedAddressError):
            fetcher.fetch(f"http://localhost:{port}/page")  # the name resolves to loopback too
    assert _Handler.hits == before  # the server never saw a request


def test_web_real_socket_allowed_in_tests_only_by_flag(local_server: str) -> None:
    with Fetcher(Settings(), allow_private=True) as fetcher:
        result = fetcher.fetch(local_server + "/page")
    assert result.data == PAGE


def test_web_real_socket_slow_server_hits_timeout(local_server: str) -> None:
    with Fetcher(Settings(fetch_timeout=0.4), allow_private=True) as fetcher:
        t0 = time.monotonic()
        with pytest.raises(FetchError, match="timed out"):
            fetcher.fetch(local_server + "/slow")
    assert time.monotonic() - t0 < 1.2


def test_web_real_socket_dripping_server_hits_whole_request_timeout(local_server: str) -> None:
    with Fetcher(Settings(fetch_timeout=0.5), allow_private=True) as fetcher:
        t0 = time.monotonic()
        with pytest.raises(FetchError, match="timed out"):
            fetcher.fetch(local_server + "/drip")
    assert time.monotonic() - t0 < 1.2  # not 1.5 s: the limit is on the whole request


def test_web_real_socket_stalled_body_hits_whole_request_timeout(local_server: str) -> None:
    with Fetcher(Settings(fetch_timeout=0.5), allow_private=True) as fetcher:
        t0 = time.monotonic()
        with pytest.raises(FetchError, match="timed out"):
            fetcher.fetch(local_server + "/stall")
    assert time.monotonic() - t0 < 0.75  # after the slow start, reads wait only for what is left


def test_web_real_socket_oversize_body_hits_cap(local_server: str) -> None:
    with (
        Fetcher(Settings(fetch_max_bytes=10_000), allow_private=True) as fetcher,
        pytest.raises(TooLarge, match="10000 bytes"),
    ):
        fetcher.fetch(local_server + "/big")
