"""Documents: list, one as Document JSON, and ``POST /documents`` (token) to ingest a page, text or URL."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from frontwire import query
from frontwire.api.deps import ApiState, State, page_json, require_token
from frontwire.api.params import Limit, Offset, Outlet, Place, Since, Sort, Until, capped

router = APIRouter(prefix="/documents", tags=["documents"])


@router.get("", summary="Stored documents, newest first")
def list_documents(
    state: State,
    outlet: Outlet = None,
    place: Place = None,
    since: Since = None,
    until: Until = None,
    sort: Sort = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Any:
    page = query.documents(
        state.pool.reader(), outlet=outlet, place=place, since=since, until=until, sort=sort,
        limit=capped(limit), offset=offset,
    )  # fmt: skip
    return page_json(page)


@router.get("/{doc_id}", summary="One document as Document JSON (DESIGN section 7); a unique id prefix works")
def get_document(state: State, doc_id: str) -> dict[str, Any]:
    return query.document(state.pool.reader(), doc_id).to_json()


async def _read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it passes ``limit`` bytes (declared or streamed)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"the body is {declared} bytes; the limit is {limit}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"the body is over the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _ingest(state: ApiState, body: bytes, content_type: str, params: dict[str, str]) -> dict[str, Any]:
    from frontwire.api.ingest import ingest, parse_body
    from frontwire.config import load_settings

    given = parse_body(body, content_type, params)
    settings = load_settings(db=state.db)
    with state.lock:  # the models are loaded once and used by one write at a time
        if state.resources is None:
            from frontwire.resources import Resources

            state.resources = Resources(settings)
        with state.pool.writer() as store:
            return ingest(given, store, settings, state.resources)


@router.post(
    "",
    summary="Ingest a page, a text or a URL (needs the token)",
    status_code=201,
    dependencies=[Depends(require_token)],
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            k: {"type": "string"} for k in ("url", "text", "published", "outlet", "title")
                        },
                    }
                },
                "text/html": {"schema": {"type": "string"}},
                "text/plain": {"schema": {"type": "string"}},
            }
        }
    },
)
async def post_document(
    request: Request,
    state: State,
    url: Annotated[str | None, Query(description="With a raw page body: its URL.")] = None,
    published: Annotated[str | None, Query(description="With a raw page body: its publication date.")] = None,
    outlet: Annotated[str | None, Query(description="With a raw page body: its outlet.")] = None,
    title: Annotated[str | None, Query(description="With a raw page body: its title.")] = None,
) -> JSONResponse:
    """Body: ``{"url": ...}`` (fetched by the safe fetcher), ``{"text": ..., "url"?, "published"?,
    "outlet"?, "title"?}``, or a raw HTML or plain-text page (hints as query parameters ``url``,
    ``published``, ``outlet``, ``title``). Returns the stored id, its status and counts."""
    body = await _read_body(request, state.max_body_bytes)
    hints = {"url": url, "published": published, "outlet": outlet, "title": title}
    params = {k: v for k, v in hints.items() if v is not None}
    result = await run_in_threadpool(_ingest, state, body, request.headers.get("content-type", ""), params)
    created = any(d["status"] in ("stored", "updated", "copy") for d in result["documents"])
    return JSONResponse(result, status_code=201 if created else 200)
