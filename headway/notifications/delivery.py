"""Sending the e-mails of notifications (docs/notifications.md).

A row is due when `email_due` has passed and it was not sent. A sender claims it first with a
conditional update (`email_claimed_at`), so two workers never send the same e-mail; a claim
older than CLAIM_TIMEOUT belongs to a worker that died, and is taken again (that message may
then go twice: a crash between sending and recording it is the one case). A failure records
its error and the attempts, and is tried again after a back-off (domain.notify.retry_after);
once the retries are spent, the error stays on the person's inbox entry.
"""

from __future__ import annotations

import logging
from datetime import datetime
from html import escape

from django.db.models import Q
from django.utils import timezone

from headway.domain.events import Kind
from headway.domain.notify import CLAIM_TIMEOUT, retry_after
from headway.notifications.mailer import absolute, send_email
from headway.notifications.messages import path_of, sentence
from headway.notifications.models import Notification

logger = logging.getLogger(__name__)

BATCH = 200  # e-mails one run sends at most; the next run (a minute later) sends the rest


def due(now: datetime) -> Q:
    return Q(email_due__lte=now, email_sent_at__isnull=True) & (
        Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - CLAIM_TIMEOUT)
    )


def send_due(now: datetime | None = None, *, limit: int = BATCH) -> int:
    """Send the e-mails that are due, oldest first (at most `limit`); answer how many went."""
    moment = now or timezone.now()
    ids = list(
        Notification.objects.filter(due(moment))
        .order_by("email_due", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(send_one(pk, moment) for pk in ids)


def send_one(pk: int, now: datetime) -> bool:
    """Claim the e-mail of notification `pk` and send it; answer whether it went."""
    if not Notification.objects.filter(due(now), pk=pk).update(email_claimed_at=now):
        return False  # another worker has it, or it went already
    notification = Notification.objects.select_related(
        "event__objective", "recipient", "workspace"
    ).get(pk=pk)
    event = notification.event
    text, html = bodies(notification)
    try:
        send_email(
            notification.recipient,
            workspace=notification.workspace,
            subject=f"{Kind(event.kind).label} · {event.title}"[:200],
            text=text,
            html=html,
            kind=event.kind,
        )
    except Exception as error:  # any failure of the backend: recorded, retried, shown
        attempts = notification.email_attempts + 1
        wait = retry_after(attempts)
        Notification.objects.filter(pk=pk).update(
            email_attempts=attempts,
            email_error=f"{type(error).__name__}: {error}"[:500],
            email_due=None if wait is None else now + wait,
            email_claimed_at=None,
        )
        logger.warning("E-mail of notification %s failed (attempt %s): %s", pk, attempts, error)
        return False
    Notification.objects.filter(pk=pk).update(
        email_sent_at=timezone.now(),
        email_claimed_at=None,
        email_error="",
        email_attempts=notification.email_attempts + 1,
    )
    return True


def bodies(notification: Notification) -> tuple[str, str]:
    """The plain text and HTML of a notification's e-mail."""
    event = notification.event
    link = absolute(path_of(event))
    said = sentence(event)
    why = notification.get_reason_display()
    text = f"{event.title}\n\n{said}\n\nOpen it: {link}\n\n(You hear of it because {why}.)\n"
    html = (
        f'<h2 style="font-size:1.1em">{escape(event.title)}</h2><p>{escape(said)}</p>'
        f'<p><a href="{escape(link)}">Open it in Headway</a></p>'
        f'<p style="color:#555">You hear of it because {escape(why)}.</p>'
    )
    return text, html
