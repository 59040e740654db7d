"""Every error as JSON ``{"error": {"status", "reason", "message"}}`` with its HTTP status, from one place."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from frontwire.errors import FrontwireError
from frontwire.query import InvalidFilter

_REASONS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_parameter",
    501: "not_built",
}


def error_response(
    status: int, reason: str, message: str, headers: Mapping[str, str] | None = None, **extra: Any
) -> JSONResponse:
    """The one error shape of the API."""
    body = {"error": {"status": status, "reason": reason, "message": message, **extra}}
    return JSONResponse(body, status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    """Register the handlers that render frontwire, validation and HTTP errors in the one shape."""

    @app.exception_handler(FrontwireError)
    async def _frontwire(request: Request, exc: FrontwireError) -> JSONResponse:
        extra: dict[str, Any] = {}
        if isinstance(exc, InvalidFilter):
            extra = {"parameter": exc.name, "valid": exc.valid}
        status = exc.status if 400 <= exc.status < 600 else 500
        return error_response(status, exc.reason, str(exc), **extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for err in exc.errors():
            where = ".".join(
                str(part) for part in err.get("loc", ()) if part not in ("query", "path", "body")
            )
            problems.append(
                f"{where}: {err.get('msg', 'invalid')}" if where else str(err.get("msg", "invalid"))
            )
        return error_response(422, "invalid_parameter", "; ".join(problems) or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        status = exc.status_code
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if status == 404 and message == "Not Found":
            message = f"no route {request.url.path}; see /docs"
        return error_response(status, _REASONS.get(status, "error"), message, headers=exc.headers)
