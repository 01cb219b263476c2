"""Pages: your own digests, as they would be sent now (docs/digests.md)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from headway.digests.sending import preview, recent_sends
from headway.pages.http import AuthenticatedRequest
from headway.pages.middleware import member_required


@member_required
def digest_preview(request: AuthenticatedRequest) -> HttpResponse:
    """The caller's weekly digest, KPI review and retrospective reminders as of now, whether
    or not they are due (nothing is sent or recorded), and the last ones sent or failing."""
    return render(
        request,
        "digests/preview.html",
        {
            "digests": preview(request.membership, timezone.now()),
            "sends": recent_sends(request.membership),
        },
    )
