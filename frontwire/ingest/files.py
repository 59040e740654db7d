"""Local inputs: expand paths, folders and globs in a fixed order, then read each file by what its bytes are.

The bytes decide the format (an ``.html`` of binary junk is unsupported, a ``.txt`` holding a page
is HTML); the name only says which files a folder walk picks up and which formats are streamed
(WARC and JSONL, whose size limit is per record rather than per file).
"""

from __future__ import annotations

import glob
import io
import os
import stat
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from frontwire.errors import (
    EmptyInput,
    FrontwireError,
    InputError,
    MalformedContainer,
    NotFoundInput,
    NothingToRead,
    SymlinkOutsideInput,
    TooLarge,
    Unreadable,
    UnsupportedFormat,
)
from frontwire.ingest.base import Context, Entries, safe_text, skip
from frontwire.ingest.sniff import HEAD_BYTES, Format, head_text, json_lines, sniff
from frontwire.model import RawItem

# What a folder walk picks up (a file named explicitly is always read, whatever its name).
_DOCUMENT_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml", ".txt", ".text"})
_FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom"})
_JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
_STREAM_SUFFIXES = _JSONL_SUFFIXES | {".warc"}
_WALK_SUFFIXES = _DOCUMENT_SUFFIXES | _FEED_SUFFIXES | _STREAM_SUFFIXES
_GLOB_CHARS = frozenset("*?[")


def _suffix(path: Path) -> str:
    """The format suffix, looking through a final '.gz' ('a.warc.gz' -> '.warc')."""
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return os.path.splitext(name)[1]


def is_streamed(path: Path) -> bool:
    """WARC and JSONL files are streamed record by record, so their size is not limited as a whole."""
    return _suffix(path) in _STREAM_SUFFIXES


def _walked(path: Path) -> bool:
    """Whether a folder walk reads this file: a known suffix, or a bare '.gz' (read by its content)."""
    name = path.name.lower()
    return _suffix(path) in _WALK_SUFFIXES or name.endswith(".gz")


# (source, file to read) or (source, why it is not read): every walked entry keeps its own name.
Found = tuple[str, Path | InputError]


def _link(path: Path, top: Path) -> Iterator[Found]:
    """A symbolic link met in a walk of ``top``: read its target only when that lies inside ``top``.

    A folder is untrusted input: a link to /etc/passwd inside it must not become a document. A
    linked folder is never descended into (loops; its files inside ``top`` are walked where they are).
    """
    source = safe_text(str(path))
    try:
        target = path.resolve(strict=True)
    except FileNotFoundError:
        if _walked(path):
            yield source, NotFoundInput(f"{source}: a link to a file that does not exist")
        return
    except (OSError, RuntimeError) as exc:  # ELOOP (RuntimeError on Python < 3.13 for loops)
        yield source, Unreadable(f"{source}: a symbolic link that cannot be resolved (a loop?): {exc}")
        return
    if not target.is_relative_to(top):
        yield source, SymlinkOutsideInput(f"{source}: a link to a path outside the input folder - not read")
        return
    if target.is_file() and _walked(path):
        yield source, target


def _walk(root: Path, top: Path) -> Iterator[Found]:
    """Files a folder walk reads under ``root``, in path order (names sorted at each level, a folder's
    files where its name sorts), or an error for each entry that cannot be read; hidden entries are
    left out. ``top`` is the resolved folder the user named: nothing outside it is read."""
    try:
        with os.scandir(root) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        where = safe_text(str(root))
        problem = exc.strerror or exc
        yield where, Unreadable(f"{where}: cannot list this folder ({problem}); its files are not read")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            if entry.is_symlink():
                yield from _link(path, top)
            elif entry.is_dir(follow_symlinks=False):
                yield from _walk(path, top)
            elif entry.is_file(follow_symlinks=False) and _walked(path):
                yield safe_text(str(path)), path
        except OSError as exc:
            where = safe_text(str(path))
            yield where, Unreadable(f"{where}: cannot read ({exc.strerror or exc})")


def _walk_folder(folder: Path, arg: str) -> Iterator[Found]:
    found = False
    for entry in _walk(folder, folder.resolve()):
        found = True
        yield entry
    if not found:
        yield (
            safe_text(arg),
            NothingToRead(
                f"{safe_text(arg)}: the folder holds no file a run reads "
                "(.html .htm .txt .xml .rss .atom .jsonl .ndjson .warc, or .gz)"
            ),
        )


def _glob_base(pattern: str) -> Path:
    """The folder a glob pattern cannot leave: its leading components without wildcards."""
    parts: list[str] = []
    for part in Path(pattern).parts:
        if _GLOB_CHARS & set(part):
            break
        parts.append(part)
    return Path(*parts) if parts else Path(".")


def expand_input(arg: str) -> Iterator[Found]:
    """(source, path) of each file one input names, in order: the file itself (its source is the
    input as given), a folder's files, or a glob's matches; an error when it names nothing."""
    path = Path(arg).expanduser()
    try:
        if path.is_dir():
            yield from _walk_folder(path, arg)
            return
        if path.exists() or path.is_symlink():
            yield safe_text(arg), path  # a file named explicitly is read even through a link
            return
    except OSError as exc:  # a path inside a folder we may not enter
        yield safe_text(arg), Unreadable(f"{safe_text(arg)}: cannot read ({exc.strerror or exc})")
        return
    if _GLOB_CHARS & set(arg):
        pattern = os.path.expanduser(arg)
        matches = sorted(glob.glob(pattern, recursive=True))
        if not matches:
            yield safe_text(arg), NotFoundInput(f"{safe_text(arg)}: no file matches this pattern")
        top = _glob_base(pattern).resolve()
        for match in matches:
            found = Path(match)
            try:
                if found.is_symlink():
                    yield from _link(found, top)
                elif found.is_dir():
                    yield from _walk(found, top)
                else:
                    yield safe_text(match), found
            except OSError as exc:
                yield safe_text(match), Unreadable(f"{safe_text(match)}: cannot read ({exc.strerror or exc})")
        return
    yield safe_text(arg), NotFoundInput(f"{safe_text(arg)}: no such file or folder")


def _format(path: Path, head: bytes, whole: bool | None = None) -> Format:
    """Sniffed format, with one tie-break by name: a .jsonl with any object line (or whose first
    line, too long for the head, opens an object) is JSONL, however broken its other lines."""
    fmt = sniff(head, whole)
    if fmt in ("text", "html", "binary", "json") and _suffix(path) in _JSONL_SUFFIXES:
        text = head_text(head)
        objects, _ = json_lines(text, len(head) < HEAD_BYTES if whole is None else whole)
        if objects or ("\n" not in text and text.lstrip().startswith("{")):
            return "jsonl"
    return fmt


def _jsonl_after_first_line(fh: IO[bytes], limit: int) -> bool:
    """Whether the lines after a first line too long for the sniffed head are JSON objects (a JSONL
    file whose first record is huge or broken is still JSONL)."""
    scanned = 0
    while scanned < limit and (chunk := fh.read(HEAD_BYTES)):
        scanned += len(chunk)
        newline = chunk.find(b"\n")
        if newline >= 0:
            rest = chunk[newline + 1 :] + fh.read(HEAD_BYTES)
            objects, lines = json_lines(head_text(rest), len(rest) < HEAD_BYTES)
            return bool(objects) and (objects * 3 >= lines or objects >= 3)
    return False


def _read_rest(stream: IO[bytes], head: bytes, limit: int, source: str) -> bytes:
    """``head`` plus the rest of ``stream``, reading at most one byte past ``limit`` in all."""
    remaining = limit - len(head)
    rest = stream.read(remaining + 1) if remaining >= 0 else b""
    if remaining < 0 or len(rest) > remaining:
        raise TooLarge(f"{source}: over the limit of {limit} bytes (max_input_bytes)")
    return head + rest


def _document(data: bytes, fmt: Format, source: str, ctx: Context) -> Entries:
    """Items of a file read whole: a page, a text, or a feed's items."""
    if fmt == "empty":
        raise EmptyInput(f"{source}: empty or whitespace only")
    if fmt == "html":
        yield RawItem(source=source, data=data, kind="html", content_type="text/html")
    elif fmt == "text":
        yield RawItem(source=source, data=data, kind="text", content_type="text/plain")
    elif fmt == "feed":
        from frontwire.ingest.feeds import iter_feed

        yield from iter_feed(data, source, ctx)
    elif fmt == "xml":
        raise UnsupportedFormat(f"{source}: XML that is neither an RSS/Atom feed nor an HTML page")
    elif fmt == "json":
        raise UnsupportedFormat(f"{source}: a JSON document (array or value), not JSON Lines")
    elif fmt in ("gzip", "warc"):
        raise UnsupportedFormat(f"{source}: {fmt} content inside gzip is not read")
    else:
        raise UnsupportedFormat(f"{source}: binary content, not text, HTML, a feed, JSONL or WARC")


class GunzipStream(io.RawIOBase):
    """Streaming gunzip (multi-member) that hands out every byte it could decompress before it reports
    a cut or corrupt stream (EOFError / zlib.error), so a truncated .jsonl.gz still yields its whole lines.
    Output is produced in bounded steps, so a compression bomb never sits in memory at once."""

    _STEP = 1 << 16

    def __init__(self, raw: IO[bytes]) -> None:
        super().__init__()
        self._raw = raw
        self._z = zlib.decompressobj(wbits=31)  # 31: gzip header and trailer
        self._fed = False  # has the current member received any input?
        self._pending = b""
        self._error: Exception | None = None
        self._done = False

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._raw.close()
        super().close()

    def readinto(self, buffer: Any) -> int:
        while not self._pending and not self._done:
            self._fill()
        if not self._pending:
            if self._error is not None:
                raise self._error
            return 0
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def _fill(self) -> None:
        data = self._z.unconsumed_tail or self._raw.read(self._STEP)
        if not data:
            if self._fed and not self._z.eof:
                self._error = EOFError("compressed data ends before the end-of-stream marker")
            self._done = True
            return
        self._fed = True
        try:
            self._pending += self._z.decompress(data, self._STEP)
        except zlib.error as exc:
            self._error, self._done = exc, True
            return
        if self._z.eof:
            rest = self._z.unused_data
            self._z = zlib.decompressobj(wbits=31)
            self._fed = False
            if rest.strip(b"\x00"):  # another member follows (trailing NUL padding is allowed)
                self._fed = True
                try:
                    self._pending += self._z.decompress(rest, self._STEP)
                except zlib.error as exc:
                    self._error, self._done = exc, True


def _gunzip(path: Path) -> io.BufferedReader:
    return io.BufferedReader(GunzipStream(open(path, "rb")))


def _read_upto(stream: io.RawIOBase, size: int) -> tuple[bytes, Exception | None]:
    """Up to ``size`` bytes, and the error that stopped the reading early (bytes before it are kept)."""
    parts: list[bytes] = []
    got = 0
    try:
        while got < size and (chunk := stream.read(size - got)):
            parts.append(chunk)
            got += len(chunk)
    except (EOFError, zlib.error) as exc:
        return b"".join(parts), exc
    return b"".join(parts), None


def _gzip_file(path: Path, source: str, ctx: Context) -> Entries:
    """A gzipped single file (.html.gz, .txt.gz, .jsonl.gz, .xml.gz); gzipped WARCs go to warcio."""
    from frontwire.ingest.jsonl import iter_jsonl
    from frontwire.ingest.warc import iter_warc

    limit = ctx.settings.max_input_bytes
    with GunzipStream(open(path, "rb")) as stream:
        head, error = _read_upto(stream, HEAD_BYTES)
        fmt = _format(path, head)
        if error is None and fmt not in ("warc", "jsonl"):
            rest, error = _read_upto(stream, max(limit - len(head), 0) + 1)
            data = head + rest
    if fmt == "warc":
        yield from iter_warc(path, source, ctx)
    elif fmt == "jsonl":
        with _gunzip(path) as lines:
            yield from iter_jsonl(lines, source, ctx)  # whole lines before a cut are still read
    elif error is not None:
        raise MalformedContainer(f"{source}: truncated or corrupt gzip ({error})")
    elif len(data) > limit:
        raise TooLarge(f"{source}: over the limit of {limit} bytes (max_input_bytes) once decompressed")
    else:
        yield from _document(data, fmt, source, ctx)


def _read(path: Path, source: str, ctx: Context) -> Entries:
    from frontwire.ingest.jsonl import iter_jsonl
    from frontwire.ingest.warc import iter_warc

    try:
        info = path.stat()
    except FileNotFoundError as exc:  # a dangling link
        raise NotFoundInput(f"{source}: no such file") from exc
    if not stat.S_ISREG(info.st_mode):
        raise UnsupportedFormat(f"{source}: not a regular file")
    size = info.st_size
    limit = ctx.settings.max_input_bytes
    if size == 0:
        raise EmptyInput(f"{source}: empty file")
    if size > limit and not is_streamed(path):
        raise TooLarge(f"{source}: {size} bytes, over the limit of {limit} bytes (max_input_bytes)")
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
        fmt = _format(path, head)
        if fmt in ("json", "text", "binary") and b"\n" not in head and len(head) == HEAD_BYTES:
            fmt = "jsonl" if _jsonl_after_first_line(fh, limit) else fmt
        if fmt == "jsonl":
            fh.seek(0)
            yield from iter_jsonl(fh, source, ctx)
            return
        if fmt not in ("warc", "gzip"):
            if size > limit:  # a streamed name on a file that turned out to be a single document
                raise TooLarge(f"{source}: {size} bytes, over the limit of {limit} bytes (max_input_bytes)")
            data = _read_rest(fh, head, limit, source)
    if fmt == "warc":
        yield from iter_warc(path, source, ctx)
    elif fmt == "gzip":
        yield from _gzip_file(path, source, ctx)
    else:
        yield from _document(data, fmt, source, ctx)


def iter_path(path: Path, source: str, ctx: Context) -> Entries:
    """Items of one file, or one skip saying why it cannot be read (never raises for bad input)."""
    try:
        yield from _read(path, source, ctx)
    except FrontwireError as exc:
        yield skip(source, exc)
    except PermissionError as exc:
        yield skip(source, Unreadable(f"{source}: permission denied ({exc.strerror})"))
    except OSError as exc:  # ELOOP, EIO, ...
        yield skip(source, Unreadable(f"{source}: cannot read ({exc.strerror or exc})"))
