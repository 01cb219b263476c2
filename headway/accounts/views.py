"""Sign in and out, the workspace switcher, and workspace settings for admins."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from headway.accounts import access
from headway.accounts.forms import SignInForm
from headway.accounts.models import ApiToken, Membership
from headway.core.http import AuthenticatedRequest
from headway.core.middleware import SESSION_KEY, member_required
from headway.domain.policy import Action


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


sign_in = SignInView.as_view()
sign_out = auth_views.LogoutView.as_view()


@require_POST
@member_required
def switch_workspace(request: AuthenticatedRequest) -> HttpResponse:
    """Remember the chosen workspace in the session (only one of the caller's own)."""
    key = request.POST.get("workspace", "")
    if any(m.workspace.key == key for m in request.memberships):  # type: ignore[attr-defined]
        request.session[SESSION_KEY] = key
    return redirect("home")


@member_required
def settings(request: AuthenticatedRequest) -> HttpResponse:
    """Members and roles, and API tokens: admins only."""
    access.check(request.membership, Action.MANAGE)
    members = (
        Membership.objects.filter(workspace_id=request.membership.workspace_id)
        .select_related("user")
        .order_by("user__username")
    )
    tokens = (
        ApiToken.objects.filter(workspace_id=request.membership.workspace_id)
        .select_related("user")
        .order_by("-created_at")
    )
    return render(request, "accounts/settings.html", {"members": members, "tokens": tokens})


def locked_out(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/locked_out.html", status=429)
