"""Pages: the inbox, the preferences, the unsubscribe page, the Follow buttons
(docs/notifications.md)."""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from headway import access
from headway.accounts.models import Workspace
from headway.domain.notify import Channel, label
from headway.notifications import actions
from headway.notifications.forms import PreferencesForm
from headway.notifications.mailer import read_unsubscribe_token
from headway.notifications.messages import page, path_of, sentence
from headway.notifications.models import FOLLOWABLE, Notification
from headway.notifications.preferences import grid, set_preferences, wants
from headway.okrs.models import KeyResult
from headway.pages.htmx import render_page_or_partial
from headway.pages.http import AuthenticatedRequest
from headway.pages.middleware import member_required
from headway.pages.paging import paginate

UNREAD_CAP = 99  # the header counts this many, then shows "99+"
PAGE_SIZE = 30


def unread_count(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the caller's unread notifications for the header, counted (one
    query, at most UNREAD_CAP + 1 rows), and what they follow (one query, for the Follow
    buttons), each read only when a page shows it."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}

    def count() -> str:
        unread = access.notifications_for(membership).filter(read_at__isnull=True)
        found = unread.order_by()[: UNREAD_CAP + 1].count()
        return f"{UNREAD_CAP}+" if found > UNREAD_CAP else str(found)

    def followed() -> dict[str, set[int]]:
        found: dict[str, set[int]] = {what: set() for what in FOLLOWABLE}
        rows = access.follows_for(membership).order_by()
        for subjects in rows.values_list(*(f"{what}_id" for what in FOLLOWABLE)):
            for what, pk in zip(FOLLOWABLE, subjects, strict=True):
                if pk is not None:
                    found[what].add(pk)
        return found

    return {
        "unread_notifications": SimpleLazyObject(count),
        "followed_subjects": SimpleLazyObject(followed),
    }


def entries(rows: QuerySet[Notification] | list[Notification]) -> list[dict[str, Any]]:
    return [{"n": n, "sentence": sentence(n.event), "path": path_of(n.event)} for n in rows]


@member_required
def inbox(request: AuthenticatedRequest) -> HttpResponse:
    """The caller's notifications, newest first, a page at a time; `?unread=1` the unread."""
    rows = access.notifications_for(request.membership).select_related("event__objective")
    only_unread = request.GET.get("unread") == "1"
    if only_unread:
        rows = rows.filter(read_at__isnull=True)
    page = paginate(request.GET, rows.order_by("-created", "-id"), size=PAGE_SIZE)
    context = {"page": page, "entries": entries(page.items), "only_unread": only_unread}
    return render_page_or_partial(
        request, "notifications/inbox.html", context, partials={"inbox": "inbox"}
    )


@require_POST
@member_required
def mark_read(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    notification = access.get_notification(request.membership, pk)
    actions.mark_read(access.notifications_for(request.membership).filter(pk=notification.pk))
    if request.htmx:
        shown = access.notifications_for(request.membership).select_related("event__objective")
        entry = entries(shown.filter(pk=notification.pk))[0]
        return render(request, "notifications/inbox.html#entry", {"entry": entry})
    return redirect("notifications:inbox")


@require_POST
@member_required
def mark_all_read(request: AuthenticatedRequest) -> HttpResponse:
    actions.mark_read(access.notifications_for(request.membership))
    if request.htmx:
        return inbox(request)
    return redirect("notifications:inbox")


@member_required
def preferences(request: AuthenticatedRequest) -> HttpResponse:
    """The caller's grid of kinds by channels and their quiet hours in this workspace."""
    membership = request.membership
    form = PreferencesForm(
        request.POST if request.method == "POST" else None,
        current=grid(membership.user_id, membership.workspace_id),
        quiet=actions.quiet_hours_of(membership),
    )
    if request.method == "POST" and form.is_valid():
        actions.save_preferences(membership, form.choices(), form.quiet_hours())
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form, "rows": form.rows()})


@csrf_exempt  # the signed token is the authority: mail clients POST it with no session
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what the link turns off, with a button; POST turns it off (RFC 8058)."""
    try:
        wish = read_unsubscribe_token(token)
    except signing.BadSignature:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    workspace = Workspace.objects.filter(pk=wish.workspace_id).first()
    if workspace is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    done = request.method == "POST"
    if done:
        set_preferences(wish.user_id, wish.workspace_id, {(wish.kind, Channel.EMAIL.value): False})
    context = {
        "kind": label(wish.kind),
        "workspace": workspace,
        "done": done or not wants(wish.user_id, wish.workspace_id, wish.kind, Channel.EMAIL),
    }
    return render(request, "notifications/unsubscribe.html", context)


@require_POST
@member_required
def toggle_follow(request: AuthenticatedRequest, subject_type: str, key: str) -> HttpResponse:
    """Follow, or stop following, something the caller can see; HTMX swaps the button."""
    subject = access.get_followable(request.membership, subject_type, key)
    found = actions.following(request.membership, subject)
    if found is None:
        actions.follow(request.membership, subject)
    else:
        actions.unfollow(found)
    context = {"subject_type": subject_type, "key": key, "following": found is None}
    if request.htmx:
        return render(request, "notifications/_follow.html", context)
    # Back to the page the button sits on (a key result's is its objective's).
    objective_key = subject.objective.key if isinstance(subject, KeyResult) else None
    return redirect(page(subject_type, subject.key, objective_key))
