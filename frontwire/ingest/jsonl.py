"""JSON Lines: one article a line (url, title, text or html, published, outlet, author).

Each line is decoded on its own, so a file that mixes UTF-8 and legacy-encoded lines still reads;
a broken line becomes a skip with its line number (``<file>#L<n>``) and the next line is read.
The size limit applies to each line, not to the file, which is streamed.
"""

from __future__ import annotations

import io
import json
import zlib
from collections.abc import Iterator
from typing import IO, Any, cast

from frontwire.errors import EmptyInput, FrontwireError, InputError, MalformedContainer, TooLarge
from frontwire.ingest.base import Context, Entries, skip
from frontwire.ingest.sniff import bom_encoding, decode_bytes, json_int
from frontwire.model import RawItem

_HINTS = ("title", "author", "outlet", "published")
_SKIP_CHUNK = 1 << 16


def _text_field(obj: dict[str, Any], name: str) -> str | None:
    value = obj.get(name)
    if isinstance(value, str) and value.strip():
        return value
    return None


def _hint(obj: dict[str, Any], name: str) -> str | None:
    value = obj.get(name)
    if isinstance(value, int | float) and not isinstance(value, bool) and name == "published":
        value = str(value)  # a bare year
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _encode(text: str) -> bytes:
    # json.loads accepts lone surrogates ("\ud800"), which UTF-8 cannot encode.
    return text.encode("utf-8", errors="replace")


def item_from_object(obj: dict[str, Any], source: str, ctx: Context) -> RawItem:
    """The item of one JSONL record; raises an InputError when the record holds no article."""
    hints = {name: _hint(obj, name) for name in _HINTS}
    url = _hint(obj, "url")
    text = _text_field(obj, "text")
    html = _text_field(obj, "html")
    if text is not None:  # already the clean article: preferred over re-extracting the page
        item = RawItem(
            source=source,
            data=_encode(text),
            kind="article",
            url=url,
            content_type="text/plain; charset=utf-8",
        )
    elif html is not None:
        item = RawItem(
            source=source, data=_encode(html), kind="html", url=url, content_type="text/html; charset=utf-8"
        )
    elif url is not None and ctx.follow:
        from frontwire.ingest.web import fetch_page

        item = fetch_page(url, source, ctx)
    else:
        fields = ", ".join(sorted(str(k) for k in obj)) or "none"
        hint = " (run with --follow to fetch its url)" if url else ""
        raise EmptyInput(f"{source}: no 'text' or 'html' in the record (fields: {fields}){hint}")
    item.title = hints["title"]
    item.author = hints["author"]
    item.outlet = hints["outlet"]
    if hints["published"]:
        from frontwire.extract.metadata import given_day

        # A date that does not parse, or whose day and month could be swapped, is refused for this
        # record (a named skip), not silently dropped or guessed.
        try:
            item.published = given_day(hints["published"], ctx.settings.date_order)
        except InputError as exc:
            raise type(exc)(f"{source}: 'published' {exc}") from exc
        item.published_source = "given"
    return item


def _skip_rest_of_line(stream: IO[bytes]) -> None:
    while True:
        chunk = stream.readline(_SKIP_CHUNK)
        if not chunk or chunk.endswith(b"\n"):
            return


def _wide_lines(text: io.TextIOWrapper, limit: int) -> Iterator[tuple[int, bytes | None]]:
    n = 0
    while line := text.readline(limit + 1):
        n += 1
        if len(line) > limit and not line.endswith("\n"):
            while (rest := text.readline(_SKIP_CHUNK)) and not rest.endswith("\n"):
                pass
            yield n, None
        else:
            yield n, line.encode("utf-8")


def _lines(stream: IO[bytes], limit: int) -> Iterator[tuple[int, bytes | None]]:
    """Yield (line number, bytes or None when over the limit); UTF-16/32 files are re-encoded per line."""
    buffered = cast(
        io.BufferedReader, stream if hasattr(stream, "peek") else io.BufferedReader(cast(Any, stream))
    )
    wide = bom_encoding(buffered.peek(4)[:4])
    if wide and wide != "utf-8":
        # Splitting UTF-16 bytes on b"\n" would cut characters in half: read it as text instead.
        yield from _wide_lines(
            io.TextIOWrapper(buffered, encoding=wide.rsplit("-", 1)[0], errors="replace"), limit
        )
        return
    n = 0
    while line := buffered.readline(limit + 1):
        n += 1
        if len(line) > limit and not line.endswith(b"\n"):
            _skip_rest_of_line(cast(IO[bytes], buffered))
            yield n, None
        else:
            yield n, line


def iter_jsonl(stream: IO[bytes], source: str, ctx: Context) -> Entries:
    """Yield one item or skip per non-blank line of a JSONL stream, in order."""
    limit = ctx.settings.max_input_bytes
    n = 0
    lines = _lines(stream, limit)
    while True:
        try:
            n, raw = next(lines)
        except StopIteration:
            return
        except (EOFError, zlib.error, OSError) as exc:  # a truncated or corrupt .jsonl.gz
            yield skip(source, MalformedContainer(f"{source}: unreadable after line {n} ({exc})"))
            return
        line_source = f"{source}#L{n}"
        if raw is None:
            yield skip(
                line_source,
                TooLarge(f"{line_source}: line over the limit of {limit} bytes (max_input_bytes)"),
            )
            continue
        if not raw.strip():
            continue
        try:
            yield item_from_line(raw, line_source, ctx)
        except FrontwireError as exc:
            yield skip(line_source, exc)
        except Exception as exc:  # each line stands alone: an odd one never costs the rest of the file
            yield skip(line_source, MalformedContainer(f"{line_source}: {type(exc).__name__}: {exc}"[:500]))


def item_from_line(raw: bytes, source: str, ctx: Context) -> RawItem:
    """Decode and parse one line; raises MalformedContainer for a line that is not a JSON object."""
    text = decode_bytes(raw).lstrip("\ufeff").strip()
    try:
        obj = json.loads(text, parse_int=json_int)
    except json.JSONDecodeError as exc:
        raise MalformedContainer(f"{source}: not valid JSON ({exc.msg} at column {exc.colno})") from exc
    except RecursionError as exc:
        raise MalformedContainer(f"{source}: JSON nested too deeply") from exc
    except ValueError as exc:  # whatever else the decoder refuses: this line only is lost
        raise MalformedContainer(f"{source}: not valid JSON ({exc})") from exc
    if not isinstance(obj, dict):
        raise MalformedContainer(f"{source}: a JSON {type(obj).__name__}, not an object")
    return item_from_object(obj, source, ctx)
