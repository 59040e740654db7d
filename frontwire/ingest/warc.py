"""WARC files (plain or gzipped): each successful HTML response record -> one 'html' item.

warcio stops quietly at a truncated record, so completeness is checked here: a record whose body
is shorter than its Content-Length, a record with no headers, or bytes after the last complete
record all mean the file was cut; the records read before that are still yielded, then one
``malformed_container`` skip stands for the rest. The size limit applies per record.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any, BinaryIO

from frontwire.errors import EmptyInput, MalformedContainer, TooLarge
from frontwire.ingest.base import Context, Entries, skip
from frontwire.ingest.sniff import HTML_TYPES, media_type
from frontwire.model import RawItem

_RECORD_TYPES = frozenset({"response", "resource"})


def _content_type(record: Any) -> str | None:
    if record.rec_type == "response":
        headers = record.http_headers
        return headers.get_header("Content-Type") if headers is not None else None
    return record.rec_headers.get_header("Content-Type")  # type: ignore[no-any-return]


def _status(record: Any) -> int | None:
    if record.rec_type != "response" or record.http_headers is None:
        return 200  # resource records hold the file itself
    code = record.http_headers.get_statuscode()
    return int(code) if code and str(code).isdigit() else None


def _remaining(record: Any) -> int:
    """Bytes the record declared but the file did not hold (after reading it to its end)."""
    return int(getattr(record.raw_stream, "limit", 0) or 0)


def _member_complete(fh: BinaryIO, offset: int) -> bool:
    """Whether the gzip member at ``offset`` decompresses to its end-of-stream marker and trailer."""
    fh.seek(offset)
    z = zlib.decompressobj(wbits=31)
    try:
        while not z.eof and (chunk := fh.read(1 << 16)):
            z.decompress(chunk, 1 << 20)
            while z.unconsumed_tail and not z.eof:  # bounded output: a bomb is never held in memory
                z.decompress(z.unconsumed_tail, 1 << 20)
    except zlib.error:
        return False
    return z.eof


def iter_warc(path: Path, source: str, ctx: Context) -> Entries:
    """Yield the HTML pages of a WARC file in record order, sources ``<file>#<record number>``."""
    # Imported here: warcio brings fsspec (~50 ms of every start-up), and most runs read no WARC.
    from warcio.archiveiterator import ArchiveIterator

    limit = ctx.settings.max_input_bytes
    found = 0
    read = 0
    last_start = last_end = 0
    with open(path, "rb") as fh:
        iterator = ArchiveIterator(fh)
        n = 0
        try:
            for record in iterator:
                n += 1
                item_source = f"{source}#{n}"
                if record.rec_type is None or record.rec_headers is None:
                    raise MalformedContainer(f"record {n} has no WARC headers")
                # Every WARC record declares its length; without it the header block was cut.
                if not str(record.rec_headers.get_header("Content-Length") or "").strip().isdigit():
                    raise MalformedContainer(f"record {n} has no Content-Length (cut inside its headers?)")
                ctype = _content_type(record)
                status = _status(record)
                wanted = record.rec_type in _RECORD_TYPES and media_type(ctype) in HTML_TYPES
                outcome: RawItem | None = None
                problem: TooLarge | EmptyInput | None = None
                if wanted and status is not None and 200 <= status < 300:
                    found += 1
                    body = record.content_stream().read(limit + 1)
                    if len(body) > limit:
                        problem = TooLarge(f"{item_source}: record body over the limit of {limit} bytes")
                    elif not body.strip():
                        problem = EmptyInput(f"{item_source}: empty response body")
                    else:
                        outcome = RawItem(
                            source=item_source,
                            data=body,
                            kind="html",
                            url=record.rec_headers.get_header("WARC-Target-URI"),
                            content_type=ctype,
                            fetched_at=record.rec_headers.get_header("WARC-Date"),
                        )
                iterator.read_to_end(record)
                if _remaining(record) > 0:
                    raise MalformedContainer(f"record {n} is cut short ({_remaining(record)} bytes missing)")
                last_start = iterator.get_record_offset()
                last_end = last_start + iterator.get_record_length()
                read = n
                if outcome is not None:
                    yield outcome
                elif problem is not None:
                    yield skip(item_source, problem)
        except MalformedContainer as exc:
            yield skip(source, MalformedContainer(f"{source}: {exc}; {read} records read before it"))
            return
        # warcio raises assorted errors (EOFError, zlib.error, ArchiveLoadFailed, AttributeError...)
        # on corrupt input; whatever it raises, the file is broken from here on.
        except Exception as exc:
            yield skip(
                source,
                MalformedContainer(
                    f"{source}: truncated or malformed WARC after record {read} ({type(exc).__name__}); "
                    f"{read} records read before it"
                ),
            )
            return
        fh.seek(last_end)
        trailing = fh.read(4096)
        fh.seek(0)
        gzipped = fh.read(2) == b"\x1f\x8b"
        # warcio reads a gzip member cut inside its 8-byte trailer without a word: check the last one.
        cut = gzipped and read > 0 and not _member_complete(fh, last_start)
    # A cut inside a record's headers leaves bytes warcio silently ignores (the record separator
    # after an uncompressed record is whitespace and is fine).
    if cut:
        yield skip(
            source,
            MalformedContainer(
                f"{source}: the last gzip member is cut before its trailer; {read} records read"
            ),
        )
        return
    if trailing.strip(b"\r\n\t \x00"):
        yield skip(
            source,
            MalformedContainer(
                f"{source}: truncated after record {read} (incomplete data at byte {last_end})"
            ),
        )
        return
    if found == 0:
        yield skip(source, EmptyInput(f"{source}: no HTML response records in {read} records"))
