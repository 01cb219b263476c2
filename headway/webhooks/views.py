"""Settings > Webhooks (admins): the workspace's webhooks, adding one (its secret shown once),
editing, enabling and disabling, deleting, sending a test, and each one's delivery log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from headway import access
from headway.core.errors import Invalid
from headway.core.forms import show_error
from headway.pages.http import AuthenticatedRequest
from headway.pages.middleware import member_required
from headway.pages.paging import Page, paginate
from headway.webhooks import actions
from headway.webhooks.forms import WebhookForm
from headway.webhooks.models import Delivery, Webhook

NEW_SECRET = "new_webhook_secret"  # noqa: S105 (a session key, not a secret)


@member_required
def webhooks_page(request: AuthenticatedRequest) -> HttpResponse:
    """The list (a page of 50) and the form that adds one."""
    webhooks = access.webhooks_for(request.membership)
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            webhook = actions.create_webhook(
                request.membership.workspace, actor=request.user, **form.cleaned_data
            )
        except Invalid as error:
            show_error(form, error)
        else:
            request.session[NEW_SECRET] = [webhook.pk, webhook.secret]
            return redirect("webhooks:detail", webhook.pk)
    page = paginate(request.GET, webhooks.order_by("id"))
    shown = [(webhook, actions.masked_url(webhook.url)) for webhook in page.items]
    return render(request, "webhooks/list.html", {"page": page, "shown": shown, "form": form})


@member_required
def webhook_page(request: AuthenticatedRequest, webhook_id: int) -> HttpResponse:
    """One webhook: its form, its secret once after it was made, its delivery log (20 a page)."""
    webhook = access.get_webhook(request.membership, webhook_id)
    form = WebhookForm(request.POST or None, editing=True, initial=initial(webhook))
    if request.method == "POST" and form.is_valid():
        changes = {name: value for name, value in form.cleaned_data.items() if value}
        try:
            actions.update_webhook(webhook, changes)
        except Invalid as error:
            show_error(form, error)
        else:
            messages.success(request, "The webhook is saved.")
            return redirect("webhooks:detail", webhook.pk)
    secret = None
    held = request.session.get(NEW_SECRET)
    if held and held[0] == webhook.pk:
        secret = request.session.pop(NEW_SECRET)[1]
    deliveries = paginate(
        request.GET, access.deliveries_for(request.membership, webhook.pk), size=20
    )
    context = detail_context(webhook, form, deliveries, secret)
    response = render(request, "webhooks/detail.html", context)
    if secret:
        add_never_cache_headers(response)  # the only copy of the secret: no cache may keep it
    return response


def initial(webhook: Webhook) -> dict[str, Any]:
    return {"events": webhook.events, "format": webhook.format}


def detail_context(
    webhook: Webhook, form: WebhookForm, deliveries: Page[Delivery], secret: str | None
) -> dict[str, Any]:
    return {
        "webhook": webhook,
        "shown_url": actions.masked_url(webhook.url),
        "form": form,
        "deliveries": deliveries,
        "secret": secret,
    }


@require_POST
@member_required
def webhook_state(request: AuthenticatedRequest, webhook_id: int) -> HttpResponse:
    """Enable (resetting its failures) or disable a webhook."""
    webhook = access.get_webhook(request.membership, webhook_id)
    enable = request.POST.get("active") == "true"
    actions.update_webhook(webhook, {"active": enable})
    messages.success(request, "The webhook is enabled." if enable else "The webhook is disabled.")
    return redirect("webhooks:detail", webhook.pk)


@require_POST
@member_required
def webhook_test(request: AuthenticatedRequest, webhook_id: int) -> HttpResponse:
    """Send a test ping now and say how it went."""
    delivery = actions.send_test(access.get_webhook(request.membership, webhook_id))
    if delivery.status == delivery.Status.SUCCEEDED:
        messages.success(request, f"The test was delivered (HTTP {delivery.last_response_code}).")
    else:
        messages.error(request, f"The test failed: {delivery.last_error}")
    return redirect("webhooks:detail", webhook_id)


@require_POST
@member_required
def webhook_delete(request: AuthenticatedRequest, webhook_id: int) -> HttpResponse:
    actions.delete_webhook(access.get_webhook(request.membership, webhook_id))
    messages.success(request, "The webhook is deleted.")
    return redirect("webhooks:list")
