"""Sign in and out, the workspace switcher, workspace settings for admins, API tokens,
invitations, and creating a workspace."""

from __future__ import annotations

from typing import Any

from django.conf import settings as conf
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_POST

from headway import access
from headway.accounts import actions
from headway.accounts.forms import (
    AddMemberForm,
    InviteForm,
    NewUserForm,
    RhythmForm,
    RoleForm,
    SignInForm,
    TokenForm,
    WorkspaceForm,
)
from headway.accounts.models import Invitation, Membership, User, Workspace
from headway.core.errors import DomainError, NotFound
from headway.core.forms import show_error
from headway.domain.policy import Action, may_create_workspace
from headway.domain.rhythm import Rhythm
from headway.domain.types import Role
from headway.pages.http import AuthenticatedRequest
from headway.pages.middleware import SESSION_KEY, member_required
from headway.pages.paging import paginate

# The session key of a token just created, until its page shows it (once).
NEW_TOKEN = "new_token"  # noqa: S105 (a key, not a secret)


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
    """One page of the members and of the pending invitations, found by the search `q`."""
    workspace_id = request.membership.workspace_id
    q = request.GET.get("q", "").strip()
    members = Membership.objects.filter(workspace_id=workspace_id)
    invitations = Invitation.objects.filter(
        workspace_id=workspace_id, state=Invitation.State.PENDING
    )
    if q:
        members = members.filter(
            Q(user__username__icontains=q)
            | Q(user__name__icontains=q)
            | Q(user__email__icontains=q)
        )
        invitations = invitations.filter(login__icontains=q)
    return {
        "q": q,
        "members": paginate(
            request.GET, members.select_related("user").order_by("user__username", "pk")
        ),
        "invitations": paginate(
            request.GET,
            invitations.select_related("invited_by").order_by("login", "pk"),
            param="invitations",
        ),
        "back": request.GET.urlencode(),
        "roles": [(r.value, r.label) for r in Role],
        "add_existing": conf.ADD_EXISTING_USERS,
        "add_form": (AddMemberForm if conf.ADD_EXISTING_USERS else InviteForm)(prefix="add"),
        "new_user_form": NewUserForm(prefix="new"),
        "rhythm_form": RhythmForm(
            prefix="rhythm", initial=rhythm_initial(request.membership.workspace)
        ),
        **extra,
    }


@member_required
def settings(request: AuthenticatedRequest) -> HttpResponse:
    """Members and roles, and API tokens: admins only."""
    access.check(request.membership, Action.MANAGE)
    return render(request, "accounts/settings.html", settings_context(request))


def rhythm_initial(workspace: Workspace) -> dict[str, Any]:
    fields = ("check_in_weekday", "check_in_hour", "reminder_grace_hours")
    return {name: getattr(workspace, name) for name in fields}


@require_POST
@member_required
def rhythm(request: AuthenticatedRequest) -> HttpResponse:
    """The workspace's check-in day, hour and reminder grace (docs/rhythm.md): admins only."""
    access.check(request.membership, Action.MANAGE)
    form = RhythmForm(request.POST, prefix="rhythm")
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.set_check_in_rhythm(
                request.membership.workspace,
                Rhythm(
                    data["check_in_weekday"], data["check_in_hour"], data["reminder_grace_hours"]
                ),
                actor=request.user,
                via="web",
            )
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(request, "The check-in rhythm is saved.")
            return back_to_settings(request)
    context = settings_context(request, rhythm_form=form)
    return render(request, "accounts/settings.html", context)


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
    return back_to_settings(request)


def back_to_settings(request: AuthenticatedRequest) -> HttpResponse:
    """The settings page the form was posted from: its search and page are the query string
    of the form's action."""
    query = request.GET.urlencode()
    return redirect(f"{reverse('accounts:settings')}?{query}" if query else "accounts:settings")


@require_POST
@member_required
def member_add(request: AuthenticatedRequest) -> HttpResponse:
    """Someone who has an account is invited (or, when the instance allows it, joins at once)."""
    access.check(request.membership, Action.MANAGE)
    if not conf.ADD_EXISTING_USERS:
        return member_invite(request)
    form = AddMemberForm(request.POST, prefix="add")
    if form.is_valid():
        user = form.cleaned_data["login"]
        if added := save_member(request, form, user):
            return added
    return render(request, "accounts/settings.html", settings_context(request, add_form=form))


def member_invite(request: AuthenticatedRequest) -> HttpResponse:
    """The same answer whether or not the username or e-mail belongs to an account."""
    form = InviteForm(request.POST, prefix="add")
    if form.is_valid():
        login, role = form.cleaned_data["login"], Role(form.cleaned_data["role"])
        try:
            invitation = actions.invite(
                request.membership.workspace, login, role, actor=request.user, via="web"
            )
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(
                request,
                f"{invitation.login} is invited as {role.label.lower()}. If they have an account, "
                "they see the invitation when they sign in, and join once they accept it.",
            )
            return redirect("accounts:settings")
    return render(request, "accounts/settings.html", settings_context(request, add_form=form))


@require_POST
@member_required
def invitation_revoke(request: AuthenticatedRequest, invitation_id: int) -> HttpResponse:
    invitation = access.get_invitation(request.membership, invitation_id)
    actions.revoke_invitation(invitation, actor=request.user, via="web")
    messages.success(request, f"The invitation of {invitation.login} is revoked.")
    return back_to_settings(request)


def invitations_waiting(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the signed-in user's pending invitations (queried only when shown),
    and whether they may create a workspace."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "invitations_waiting": SimpleLazyObject(lambda: actions.invitations_for_user(user)),
        "may_create_workspace": may_create_workspace(
            is_staff=user.is_staff or user.is_superuser,
            anyone_allowed=conf.ANYONE_CREATES_WORKSPACES,
        ),
    }


@login_required
def invitations(request: HttpRequest) -> HttpResponse:
    """The invitations waiting for the signed-in user, to accept or decline."""
    return render(request, "accounts/invitations.html")


@require_POST
@login_required
def invitation_answer(request: HttpRequest, invitation_id: int, answer: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if answer not in ("accept", "decline"):
        raise NotFound("page")
    try:
        joined = actions.answer_invitation(
            invitation_id, user, accept=answer == "accept", via="web"
        )
    except DomainError as error:
        if isinstance(error, NotFound):
            raise
        messages.error(request, error.message)
        return redirect("accounts:invitations")
    if joined is None:
        messages.success(request, "The invitation is declined.")
        return redirect("accounts:invitations")
    request.session[SESSION_KEY] = joined.workspace.key
    messages.success(request, f"Welcome to {joined.workspace.name}.")
    return redirect("home")


@login_required
def workspace_create(request: HttpRequest) -> HttpResponse:
    """A new workspace with its first cycle; the signed-in user becomes its admin."""
    user: User = request.user  # type: ignore[assignment]
    if not may_create_workspace(
        is_staff=user.is_staff or user.is_superuser, anyone_allowed=conf.ANYONE_CREATES_WORKSPACES
    ):
        return render(request, "accounts/workspace_new.html", {"refused": True}, status=403)
    today = timezone.now().date()
    form = WorkspaceForm(request.POST or None, today=today)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = actions.create_workspace(
                user, name=data["name"], timezone_name=data["timezone"],
                cycle_name=data["cycle_name"], cycle_start=data["cycle_start"],
                cycle_end=data["cycle_end"], via="web",
            )  # fmt: skip
        except DomainError as error:
            show_error(form, error)
        else:
            request.session[SESSION_KEY] = membership.workspace.key
            messages.success(request, f"{membership.workspace.name} is ready: you are its admin.")
            return redirect("home")
    return render(request, "accounts/workspace_new.html", {"form": form})


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
    return back_to_settings(request)


@member_required
def tokens_page(request: AuthenticatedRequest) -> HttpResponse:
    """The caller's API tokens (an admin: every token of the workspace); POST makes one."""
    if request.method == "POST":
        return token_create(request)
    access.check_own(request.membership, Action.TOKEN)
    new_token = request.session.pop(NEW_TOKEN, None)
    response = render(request, "accounts/tokens.html", tokens_context(request, new_token=new_token))
    if new_token:
        add_never_cache_headers(response)  # the only copy of the token: no cache may keep it
    return response


def tokens_context(request: AuthenticatedRequest, **extra: Any) -> dict[str, Any]:
    rows = access.tokens_for(request.membership).select_related("user").order_by("-created_at")
    return {"tokens": rows, "token_form": TokenForm(), **extra}


@require_POST
@member_required
def token_create(request: AuthenticatedRequest) -> HttpResponse:
    """A token for the signed-in member, shown once on the page the browser is sent to: the
    session holds it until that page shows it, so reloading the page makes no second token."""
    access.check_own(request.membership, Action.TOKEN)
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            _, raw = actions.create_token(
                request.membership, actor=request.membership, via="web", **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            request.session[NEW_TOKEN] = raw
            return redirect("accounts:tokens")
    return render(request, "accounts/tokens.html", tokens_context(request, token_form=form))


@require_POST
@member_required
def token_revoke(request: AuthenticatedRequest, token_id: int) -> HttpResponse:
    """A member revokes one of their tokens; an admin any token of the workspace."""
    token = access.get_token(request.membership, token_id)
    actions.revoke_token(token, actor=request.membership, via="web")
    messages.success(request, f"Token {token.prefix}… is revoked.")
    return redirect("accounts:tokens")
