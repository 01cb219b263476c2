"""Workspace selection for pages, and the one place where domain errors become HTTP answers.

`request.membership` is the caller's current membership, chosen by `current_membership`: the
one rule that the API's session auth follows too. Pages get every object through
headway.access with it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec, cast

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from headway.accounts.models import Membership
from headway.core.errors import Forbidden, NotFound
from headway.pages.http import AuthenticatedRequest

SESSION_KEY = "workspace"

P = ParamSpec("P")


def memberships_of(user_id: int) -> list[Membership]:
    """A user's memberships, in the switcher's order: by workspace name, then creation."""
    return list(
        Membership.objects.filter(user_id=user_id)
        .select_related("workspace", "user")
        .order_by("workspace__name", "workspace_id")
    )


def current_membership(
    request: HttpRequest, memberships: list[Membership] | None = None
) -> Membership | None:
    """The signed-in user's current workspace, for pages and the API's session auth alike.

    The workspace whose key is `request.session["workspace"]` (set by the switcher), if the
    user is still a member of it; otherwise the first of `memberships_of` (by name). One rule,
    so a page and an /api/v1 call made with the same session always act in the same workspace.
    """
    if not request.user.is_authenticated:
        return None
    if memberships is None:
        memberships = memberships_of(request.user.pk)
    chosen = request.session.get(SESSION_KEY)
    current = next((m for m in memberships if m.workspace.key == chosen), None)
    return current or (memberships[0] if memberships else None)


class WorkspaceMiddleware:
    """Sets request.membership (or None) and request.memberships for signed-in users."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        request.memberships = []  # type: ignore[attr-defined]
        if request.user.is_authenticated and not request.path.startswith("/api/"):
            memberships = memberships_of(request.user.pk)
            request.memberships = memberships  # type: ignore[attr-defined]
            request.membership = current_membership(request, memberships)  # type: ignore[attr-defined]
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFound):
            return error_page(request, 404, "Not found", exception.message)
        if isinstance(exception, Forbidden):
            return error_page(request, 403, "Not allowed", exception.message)
        return None


class NoStoreMiddleware:
    """Nothing Headway answers is stored by browsers or proxies, unless a view says otherwise.

    Every page and API answer is private to the person asking, and some are shown once (a new
    API token): `Cache-Control: no-store, private`. Static files are served before this
    middleware runs and keep their long cache lifetimes.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store, private"
        return response


class ApiErrorsMiddleware:
    """Under /api/, an unknown address (404) or method (405) answers JSON like every API error.

    Django's URL resolver and django-ninja answer these two with an HTML page or plain text;
    clients of the API parse `{"detail", "field"}` (docs/api.md).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/api/") or response.status_code not in {404, 405}:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        if response.status_code == 404:
            detail = "Not found: no API endpoint at this address (see /api/v1/docs)."
        else:
            allowed = response.get("Allow", "")
            detail = f"Method not allowed: {request.method} (this endpoint takes {allowed})."
        answer = JsonResponse({"detail": detail, "field": None}, status=response.status_code)
        if response.has_header("Allow"):
            answer["Allow"] = response["Allow"]
        return answer


def error_page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(request, "core/error.html", {"title": title, "message": message}, status=status)


def member_required(
    view: Callable[Concatenate[AuthenticatedRequest, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Sign-in required, and a workspace: without one the user sees a page that says so."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if getattr(request, "membership", None) is None:
            # Where sign-in lands (the first run's welcome) is a page, not a refusal.
            home = request.resolver_match is not None and request.resolver_match.url_name == "home"
            return render(request, "core/no_workspace.html", status=200 if home else 403)
        return view(request, *args, **kwargs)  # type: ignore[arg-type]

    return cast("Callable[Concatenate[HttpRequest, P], HttpResponse]", wrapper)


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the current membership and the workspace switcher's choices."""
    membership = getattr(request, "membership", None)
    return {
        "membership": membership,
        "memberships": getattr(request, "memberships", []),
        "is_admin": membership is not None and membership.role == "admin",
        "is_viewer": membership is not None and membership.role == "viewer",
    }
