"""The one NinjaAPI of the project, mounted at /api/v1/ (docs/api.md).

Errors are mapped here once, each to `{"detail": "<field>: <message>", "field": "<field>"}`:
422 the request does not match the OpenAPI schema (wrong type, out of range, unknown field);
400 the body is not JSON, or it matches the schema but breaks a rule (unknown key, end before
start); 401 no valid token or session; 403 the role forbids it; 404 unknown or not visible;
409 a key is taken or the object's state forbids the change; 413 the body is too large;
503 the database is busy or read-only: nothing was written, retry after `Retry-After` seconds.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, DataError, IntegrityError
from django.http import HttpRequest, HttpResponse
from django.utils.datastructures import MultiValueDict
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from headway.accounts.api import router as accounts_router
from headway.api_auth import TokenAuth, WorkspaceSessionAuth
from headway.core import database
from headway.core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from headway.kpis.api import router as kpis_router
from headway.notifications.api import router as notifications_router
from headway.okrs.api import router as okrs_router
from headway.teams.api import router as teams_router
from headway.webhooks.api import router as webhooks_router

logger = logging.getLogger(__name__)


class StrictParser(Parser):
    """Refuse a query parameter given twice: no parameter of this API is a list, and silently
    taking the last of `?cycle=a&cycle=b` would answer a question nobody asked."""

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        for key, values in data.lists():
            if key not in list_fields and len(values) > 1:
                raise ValidationError([{"loc": ("query", key), "msg": "give this parameter once"}])
        return super().parse_querydict(data, list_fields, request)


api = NinjaAPI(
    title="Headway API",
    version="1",
    description=(
        "OKRs and KPIs, connected. Authenticate with `Authorization: Bearer <token>` "
        "(`headway token create`). Every object is addressed by its key, unique in the "
        "workspace. Lists take `limit` and `offset` and answer `{count, items}`. Errors answer "
        '`{"detail": "<field>: <message>", "field": "<field>"}` with 400, 401, 403, 404, 409 or '
        "422 (see docs/api.md)."
    ),
    urls_namespace="api",
    auth=[TokenAuth(), WorkspaceSessionAuth()],
    parser=StrictParser(),
)

api.add_router("", accounts_router, tags=["me"])
api.add_router("", teams_router, tags=["teams"])
api.add_router("", okrs_router)
api.add_router("", kpis_router, tags=["kpis"])
api.add_router("", webhooks_router, tags=["webhooks"])
api.add_router("", notifications_router)


def error(request: HttpRequest, status: int, detail: str, field: str | None) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "field": field}, status=status)


def field_of(loc: Sequence[Any]) -> str:
    """A pydantic error location as a field name: ("body", "payload", 3, "value") -> [3].value."""
    parts = list(loc)
    if parts and parts[0] in {"body", "query", "path"}:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] == "payload":
        parts = parts[1:]
    elif parts == ["payload"]:
        parts = []
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "body"


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {"loc": (), "msg": "invalid request"}
    field = field_of(first.get("loc", ()))
    message = str(first.get("msg", "invalid")).removeprefix("Value error, ")
    more = f" (and {len(exc.errors) - 1} more problems)" if len(exc.errors) > 1 else ""
    return error(request, 422, f"{field}: {message}{more}", field)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if isinstance(exc, NotFound):
        return error(request, 404, exc.message, None)
    if isinstance(exc, Forbidden):
        return error(request, 403, exc.message, None)
    if isinstance(exc, Invalid):
        return error(request, 400, exc.message, exc.field)
    if isinstance(exc, Conflict):
        return error(request, 409, exc.message, exc.field)
    return error(request, 400, exc.message, None)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    detail = "Send a valid token: 'Authorization: Bearer <token>'."
    response = error(request, 401, detail, None)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja's own errors: a body that is not JSON (400), a failed CSRF check (403).
    field = "body" if exc.status_code == 400 else None
    prefix = "body: " if field else ""
    return error(request, exc.status_code, f"{prefix}{exc.message}", field)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    detail = f"body: larger than {limit} bytes; send fewer items per request"
    return error(request, 413, detail, "body")


@api.exception_handler(IntegrityError)
def on_integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    # Actions validate before writing, so this is a safety net: the change clashes with data
    # already stored (a race on a unique row, a rule an action forgot to check first).
    logger.warning("API write refused by a database constraint: %s", exc)
    return error(request, 409, "the change conflicts with data already stored", None)


@api.exception_handler(DataError)
def on_data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    # The schemas bound every field, so this is a safety net: a value the database cannot
    # store is the caller's input, not a server fault.
    return error(request, 400, "body: a value cannot be stored (too long or out of range)", None)


@api.exception_handler(DatabaseError)
def on_database_unavailable(request: HttpRequest, exc: DatabaseError) -> HttpResponse:
    # 503 + Retry-After when the database is busy, read-only or full; any other error stays a 500.
    problem = database.classify(exc)
    if problem is None:
        raise exc
    logger.warning("API write refused, database %s: %s", problem.reason, exc)
    response = error(request, 503, problem.message, None)
    response["Retry-After"] = str(problem.retry_after)
    return response
