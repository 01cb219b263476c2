"""Sign in and out, the workspace switcher, and workspace settings for admins."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from headway.accounts import access, actions, tokens
from headway.accounts.forms import AddMemberForm, NewUserForm, RoleForm, SignInForm, TokenForm
from headway.accounts.models import ApiToken, Membership, User
from headway.core.errors import DomainError, NotFound
from headway.core.forms import show_error
from headway.core.http import AuthenticatedRequest
from headway.core.middleware import SESSION_KEY, member_required
from headway.domain.policy import Action
from headway.domain.types import Role


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


def settings_context(request: AuthenticatedRequest, **extra: Any) -> dict[str, Any]:
    workspace_id = request.membership.workspace_id
    return {
        "members": Membership.objects.filter(workspace_id=workspace_id)
        .select_related("user")
        .order_by("user__username"),
        "tokens": ApiToken.objects.filter(workspace_id=workspace_id)
        .select_related("user")
        .order_by("-created_at"),
        "roles": [(r.value, r.label) for r in Role],
        "token_form": TokenForm(),
        "add_form": AddMemberForm(prefix="add"),
        "new_user_form": NewUserForm(prefix="new"),
        **extra,
    }


@member_required
def settings(request: AuthenticatedRequest) -> HttpResponse:
    """Members and roles, and API tokens: admins only."""
    access.check(request.membership, Action.MANAGE)
    return render(request, "accounts/settings.html", settings_context(request))


def get_member(request: AuthenticatedRequest, member_id: int) -> Membership:
    """A membership of the caller's workspace, for an admin."""
    access.check(request.membership, Action.MANAGE)
    member = (
        Membership.objects.filter(workspace_id=request.membership.workspace_id, pk=member_id)
        .select_related("user", "workspace")
        .first()
    )
    if member is None:
        raise NotFound("member")
    return member


@require_POST
@member_required
def change_role(request: AuthenticatedRequest, member_id: int) -> HttpResponse:
    member = get_member(request, member_id)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            role = Role(form.cleaned_data["role"])
            actions.change_role(member, role, actor=request.user, via="web")
            messages.success(request, f"{member.user.display_name} is now {role.label.lower()}.")
        except DomainError as error:
            messages.error(request, error.message)
    return redirect("accounts:settings")


@require_POST
@member_required
def member_add(request: AuthenticatedRequest) -> HttpResponse:
    """An existing user (by username or email) joins the workspace with a role."""
    access.check(request.membership, Action.MANAGE)
    form = AddMemberForm(request.POST, prefix="add")
    if form.is_valid():
        user = form.cleaned_data["login"]
        if added := save_member(request, form, user):
            return added
    return render(request, "accounts/settings.html", settings_context(request, add_form=form))


@require_POST
@member_required
def member_create(request: AuthenticatedRequest) -> HttpResponse:
    """A new user, with an initial password, joins the workspace with a role."""
    access.check(request.membership, Action.MANAGE)
    form = NewUserForm(request.POST, prefix="new")
    if form.is_valid() and (added := save_member(request, form, form.user())):
        return added
    return render(request, "accounts/settings.html", settings_context(request, new_user_form=form))


def save_member(
    request: AuthenticatedRequest, form: AddMemberForm | NewUserForm, user: User
) -> HttpResponse | None:
    """Add the member and go back to the settings, or put the refusal on the form."""
    role = Role(form.cleaned_data["role"])
    try:
        actions.add_member(request.membership.workspace, user, role, actor=request.user, via="web")
    except DomainError as error:
        show_error(form, error)
        return None
    messages.success(request, f"{user.display_name} is now a {role.label.lower()} here.")
    return redirect("accounts:settings")


@require_POST
@member_required
def member_remove(request: AuthenticatedRequest, member_id: int) -> HttpResponse:
    member = get_member(request, member_id)
    try:
        actions.remove_member(member, actor=request.user, via="web")
        messages.success(request, f"{member.user.display_name} is no longer a member.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("accounts:settings")


@require_POST
@member_required
def token_create(request: AuthenticatedRequest) -> HttpResponse:
    """A token for the signed-in admin, shown once on the page that answers."""
    access.check(request.membership, Action.MANAGE)
    form = TokenForm(request.POST)
    raw = None
    if form.is_valid():
        try:
            _, raw = tokens.create_token(
                request.membership, actor=request.membership, via="web", **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(None, error.message)
    context = settings_context(request, token_form=form, new_token=raw)
    return render(request, "accounts/settings.html", context)


@require_POST
@member_required
def token_revoke(request: AuthenticatedRequest, token_id: int) -> HttpResponse:
    access.check(request.membership, Action.MANAGE)
    token = ApiToken.objects.filter(
        workspace_id=request.membership.workspace_id, pk=token_id
    ).first()
    if token is None:
        raise NotFound("token")
    tokens.revoke_token(token, actor=request.membership, via="web")
    messages.success(request, f"Token {token.prefix}… is revoked.")
    return redirect("accounts:settings")
