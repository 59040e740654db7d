"""One item given to ``POST /documents`` through the run's steps: plan, process, commit, after-commit."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from frontwire.config import Settings
from frontwire.errors import InputError
from frontwire.model import Document, RawItem, sha256_hex
from frontwire.pipeline import Outcome
from frontwire.store import Store


class RefusedInput(InputError):
    """The request body is not a page, a text or a URL to ingest (the message says what is wrong)."""

    reason = "bad_input"
    status = 422


class SkippedInput(InputError):
    """The item was read and refused by a stage (the skip reason is the error's reason)."""

    status = 422

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(slots=True)
class Given:
    """What the request asked to ingest: a URL to fetch, or bytes with hints."""

    url: str | None = None
    data: bytes | None = None
    kind: str = "text"  # 'html' | 'text'
    published: str | None = None
    outlet: str | None = None
    title: str | None = None


_HINTS = ("url", "text", "published", "outlet", "title")


def _published(value: str | None) -> str | None:
    if value is None:
        return None
    from frontwire.extract.metadata import iso_date

    parsed = iso_date(value)
    if parsed is None:
        raise RefusedInput(f"published: {value!r} is not a date with a year (e.g. 2023-03-07)")
    return parsed


def _http_url(value: str | None) -> str | None:
    if value is None:
        return None
    if not value.lower().startswith(("http://", "https://")):
        raise RefusedInput(f"url: {value!r} is not an http(s) URL")
    return value


def parse_body(body: bytes, content_type: str, params: dict[str, str]) -> Given:
    """The request as a Given: JSON ``{"url"}`` or ``{"text", "url"?, "published"?, "outlet"?, "title"?}``,
    or a raw ``text/html`` / ``text/plain`` body (hints then come as query parameters)."""
    media = content_type.split(";")[0].strip().lower()
    if media == "application/json":
        try:
            data = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise RefusedInput(f"the body is not valid JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise RefusedInput('the JSON body must be an object: {"url": ...} or {"text": ...}')
        unknown = sorted(set(data) - set(_HINTS))
        if unknown:
            raise RefusedInput(f"unknown field(s) {', '.join(unknown)}; valid: {', '.join(_HINTS)}")
        for key, value in data.items():
            if value is not None and not isinstance(value, str):
                raise RefusedInput(f"{key} must be a string")
        text = data.get("text")
        if text is None and not data.get("url"):
            raise RefusedInput('give {"url": ...} to fetch a page or {"text": ...} to ingest a text')
        if text is not None and not text.strip():
            raise RefusedInput("text is empty")
        return Given(
            url=_http_url(data.get("url")),
            data=text.encode("utf-8") if text is not None else None,
            kind="text",
            published=_published(data.get("published")),
            outlet=data.get("outlet"),
            title=data.get("title"),
        )
    if media in ("text/html", "application/xhtml+xml", "text/plain"):
        if not body.strip():
            raise RefusedInput("the body is empty")
        return Given(
            url=_http_url(params.get("url")),
            data=body,
            kind="html" if media != "text/plain" else "text",
            published=_published(params.get("published")),
            outlet=params.get("outlet"),
            title=params.get("title"),
        )
    raise RefusedInput(
        f"content type {media or 'none'!r} is not taken: send application/json, text/html or text/plain"
    )


def _items(given: Given, settings: Settings) -> list[RawItem | Outcome]:
    from frontwire.runner import set_hints

    if given.data is None:
        from frontwire.ingest import iter_items

        assert given.url is not None
        # The run's own safe fetcher: size and time limits, no private or loopback addresses.
        entries = list(iter_items([given.url], settings))
        return [set_hints(e, given.published, None) if isinstance(e, RawItem) else e for e in entries]
    source = given.url or f"api:{sha256_hex(given.data.decode('utf-8', 'replace'))[:16]}"
    return [
        RawItem(
            source=source,
            data=given.data,
            kind=given.kind,
            url=given.url,
            content_type="text/html" if given.kind == "html" else "text/plain; charset=utf-8",
            title=given.title,
            outlet=given.outlet,
            published=given.published,
            published_source="given" if given.published else None,
        )
    ]


def _counts(doc: Document) -> dict[str, int]:
    return {
        "entities": len(doc.mentions),
        "claims": len(doc.claims),
        "times": len(doc.times),
        "places": len(doc.places),
        "events": len(doc.events),
    }


def ingest(given: Given, store: Store, settings: Settings, resources: Any) -> dict[str, Any]:
    """Run the four steps on what was given; the stored document id(s), their status and counts.

    Raises SkippedInput (with the run's skip reason) when nothing could be stored.
    """
    from frontwire.runner import after_commit, commit, process

    items = _items(given, settings)
    results: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    fresh: list[RawItem | Outcome] = []
    linked: dict[str, int] = {}
    for item in items:
        known = store.has_raw(sha256_hex(item.data)) if isinstance(item, RawItem) else None
        if known:
            results.append({"id": known, "status": "duplicate"})
        else:
            fresh.append(item)
    if fresh:
        outcomes, _ = process(fresh, resources)
        done = commit(store, outcomes)
        link = after_commit(store, done, resources) if done.documents else None
        res = done.result
        status = {i: "stored" for i in res.stored} | {i: "updated" for i in res.updated}
        status |= {i: "duplicate" for i in res.duplicates} | {i: "copy" for i in res.copies}
        for o in outcomes:
            if o.document is None:
                skipped.append({"source": o.source, "reason": o.skip_reason, "message": o.message})
            else:
                doc_id = o.document.id
                # Same text already stored: a duplicate, or kept as a copy record of another publisher.
                results.append(
                    {"id": doc_id, "status": status.get(doc_id, "duplicate"), **_counts(o.document)}
                )
        results += [{"id": copy_id, "status": "copy"} for copy_id in res.copies]
        if link is not None:
            linked = {
                "near_duplicates": len(link.duplicates),
                "events_linked": link.events_linked,
                "contradictions": link.contradictions,
            }
    if not results:
        first = skipped[0] if skipped else {"reason": "empty", "message": "nothing to ingest"}
        raise SkippedInput(str(first["reason"] or "unknown"), str(first["message"] or first["reason"]))
    head = results[0]
    return {
        "id": head["id"],
        "status": head["status"],
        "counts": {k: head[k] for k in ("entities", "claims", "times", "places", "events") if k in head},
        "documents": results,
        "skipped": skipped,
        "link": linked,
    }
