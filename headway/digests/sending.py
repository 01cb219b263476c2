"""Who gets which digest when, and sending it once (docs/digests.md).

A periodic job (digests.tasks) runs `send_digests` twice an hour. For each workspace, at its
own time (its time zone, check-in day and hour), it finds the digests due (domain.digests),
the people each goes to who want it (notification preferences, on by default) and have an
e-mail address, and sends each person one message per digest and period:

- someone in their quiet hours is left for a later run (every digest is due for more than a
  day, so it reaches them once the quiet hours end);
- the rows (DigestSend, unique per person, kind and period) are created a chunk of people at
  a time, in a short transaction, before anything is sent;
- each row is claimed with a conditional update before its message is built, so a retried
  job or a second worker never sends it twice; a claim older than CLAIM_TIMEOUT belongs to a
  worker that died and is taken again (the one case a message may go twice: a crash between
  sending it and recording it);
- a digest with nothing to tell is marked done and not sent;
- a failure (building or sending) is logged, recorded on the row with its attempts, and tried
  again by a later run after a back-off (domain.notify.retry_after), while the digest is due.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from headway import access
from headway.accounts.models import Membership, Workspace
from headway.digests import content
from headway.digests.models import DigestSend
from headway.domain.digests import kpi_review_due, retrospective_due, weekly_due
from headway.domain.notify import (
    CLAIM_TIMEOUT,
    RETRY_DELAYS,
    Channel,
    Digest,
    is_quiet,
    retry_after,
)
from headway.domain.rhythm import local_date
from headway.events.scan import chunks
from headway.kpis.models import KPI
from headway.notifications.mailer import send_email
from headway.notifications.models import QuietHours
from headway.notifications.preferences import wants_many
from headway.okrs.models import Cycle, Objective
from headway.teams.models import Team

logger = logging.getLogger(__name__)

CHUNK = 200  # people whose rows are created together


@dataclass(frozen=True, slots=True)
class Message:
    subject: str
    text: str
    html: str


Builder = Callable[[Membership], Message | None]


def send_digests(now: datetime | None = None) -> Counter[str]:
    """Send every digest due at `now` (the clock when None) in every workspace; answer how
    many went of each kind. A workspace that fails is logged and tried again next run."""
    moment = now or timezone.now()
    sent: Counter[str] = Counter()
    for workspace in Workspace.objects.order_by("pk"):
        try:
            sent += send_workspace(workspace, moment)
        except Exception:
            logger.exception("The digests of workspace %s failed", workspace.key)
    return sent


def send_workspace(workspace: Workspace, now: datetime) -> Counter[str]:
    """The digests due in one workspace at `now`."""
    sent: Counter[str] = Counter()
    tz = workspace.timezone
    members = Membership.objects.filter(workspace=workspace).exclude(user__email="")
    week = weekly_due(now, tz, weekday=workspace.check_in_weekday, hour=workspace.check_in_hour)
    if week is not None:
        sent[Digest.WEEKLY.value] += deliver(
            workspace, Digest.WEEKLY, week.period, members, lambda m: weekly_message(m, now), now
        )
    month = kpi_review_due(now, tz, hour=workspace.check_in_hour)
    if month is not None:
        teams = Team.objects.filter(
            pk__in=KPI.objects.filter(workspace=workspace, team__isnull=False).values("team_id")
        )
        people = members.filter(
            Q(user__teams__in=teams) | Q(user_id__in=teams.values("lead_id"))
        ).distinct()
        sent[Digest.KPI_REVIEW.value] += deliver(
            workspace,
            Digest.KPI_REVIEW,
            month.period,
            people,
            lambda m: kpi_review_message(m, now),
            now,
        )
    today = local_date(now, tz)
    for cycle in Cycle.objects.filter(workspace=workspace).order_by("end", "pk"):
        if not retrospective_due(today, end=cycle.end, closed=cycle.is_closed):
            continue
        owners = Objective.objects.filter(cycle=cycle, retrospective="", carried_over=False).values(
            "owner_id"
        )
        sent[Digest.RETROSPECTIVE.value] += deliver(
            workspace,
            Digest.RETROSPECTIVE,
            f"cycle:{cycle.key}",
            members.filter(user_id__in=owners),
            partial(retrospective_message, cycle=cycle),
            now,
        )
    return sent


def claimable(now: datetime) -> Q:
    return (
        Q(sent_at__isnull=True)
        & (Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
        & (Q(retry_at__isnull=True) | Q(retry_at__lte=now))
        & Q(attempts__lte=len(RETRY_DELAYS))
    )


def deliver(
    workspace: Workspace,
    kind: Digest,
    period: str,
    people: QuerySet[Membership],
    build: Builder,
    now: datetime,
) -> int:
    """Send the digest of `kind` for `period` to each of `people` who wants it and has not had
    it; answer how many went."""
    sent = 0
    for chunk in chunks(people.select_related("user")):
        ids = [m.user_id for m in chunk]
        wanted = wants_many(ids, workspace.pk, kind.value, Channel.EMAIL)
        quiet = quiet_now(workspace, ids, now)
        chunk = [m for m in chunk if wanted[m.user_id] and m.user_id not in quiet]
        with transaction.atomic():
            DigestSend.objects.bulk_create(
                [
                    DigestSend(
                        workspace=workspace,
                        user_id=m.user_id,
                        kind=kind,
                        period=period,
                        created=now,
                    )
                    for m in chunk
                ],
                ignore_conflicts=True,
            )
        rows = dict(
            DigestSend.objects.filter(
                claimable(now),
                workspace=workspace,
                kind=kind.value,
                period=period,
                user_id__in=[m.user_id for m in chunk],
            ).values_list("user_id", "pk")
        )
        for membership in chunk:
            if membership.user_id in rows:
                membership.workspace = workspace
                sent += send_one(rows[membership.user_id], membership, kind, build, now)
    return sent


def quiet_now(workspace: Workspace, user_ids: list[int], now: datetime) -> set[int]:
    """Those of `user_ids` in their quiet hours at `now` (the workspace's time zone): their
    digest waits for a later run, every window being longer than a day (one query)."""
    hour = now.astimezone(ZoneInfo(workspace.timezone)).hour
    rows = QuietHours.objects.filter(workspace=workspace, user_id__in=user_ids)
    return {
        user_id
        for user_id, start, end in rows.values_list("user_id", "start_hour", "end_hour")
        if is_quiet(hour, start, end)
    }


def send_one(pk: int, membership: Membership, kind: Digest, build: Builder, now: datetime) -> bool:
    """Claim row `pk`, build its message and send it; answer whether it went."""
    if not DigestSend.objects.filter(claimable(now), pk=pk).update(claimed_at=now):
        return False  # another worker has it, or it is done
    row = DigestSend.objects.get(pk=pk)
    try:
        message = build(membership)
        if message is not None:
            send_email(
                membership.user,
                workspace=membership.workspace,
                subject=message.subject,
                text=message.text,
                html=message.html,
                kind=kind.value,
            )
    except Exception as error:  # building or sending: recorded, retried, logged
        attempts = row.attempts + 1
        wait = retry_after(attempts)
        DigestSend.objects.filter(pk=pk).update(
            attempts=attempts,
            error=f"{type(error).__name__}: {error}"[:500],
            claimed_at=None,
            # Once the retries are spent (wait is None) `claimable` leaves the row, error kept.
            retry_at=None if wait is None else now + wait,
        )
        logger.warning("Digest %s (%s) failed, attempt %s: %s", pk, kind.value, attempts, error)
        return False
    DigestSend.objects.filter(pk=pk).update(
        sent_at=timezone.now(),
        claimed_at=None,
        empty=message is None,
        attempts=row.attempts + 1,
        error="",
    )
    return message is not None


# Messages ------------------------------------------------------------------------------------


def render(template: str, context: dict[str, Any]) -> tuple[str, str]:
    """The plain text and the HTML fragment of a digest (templates/digests/<template>.*)."""
    context = {**context, "base": settings.BASE_URL}
    return (
        render_to_string(f"digests/{template}.txt", context),
        render_to_string(f"digests/{template}.html", context),
    )


def weekly_message(membership: Membership, now: datetime) -> Message | None:
    digest = content.weekly(membership, now)
    if digest is None:
        return None
    text, html = render("weekly", {"d": digest})
    return Message(f"Your week in {membership.workspace.name}", text, html)


def kpi_review_message(membership: Membership, now: datetime) -> Message | None:
    review = content.kpi_review(membership, now)
    if review is None:
        return None
    text, html = render("kpi_review", {"d": review})
    return Message(f"KPI review for {review.month[0]:%B %Y}", text, html)


def retrospective_message(membership: Membership, cycle: Cycle) -> Message | None:
    reminder = content.retrospective(membership, cycle)
    if reminder is None:
        return None
    text, html = render("retrospective", {"d": reminder})
    return Message(f"{cycle.name}: time to write your retrospectives", text, html)


def preview(membership: Membership, now: datetime) -> list[tuple[str, Message | None]]:
    """A person's digests as they would be built at `now`, due or not (the preview page):
    the weekly digest, the KPI review and the reminder of each cycle in its reminder window.
    Nothing is sent or recorded."""
    today = local_date(now, membership.workspace.timezone)
    found: list[tuple[str, Message | None]] = [
        (Digest.WEEKLY.label, weekly_message(membership, now)),
        (Digest.KPI_REVIEW.label, kpi_review_message(membership, now)),
    ]
    for cycle in access.cycles_for(membership).open().order_by("end", "pk"):
        if retrospective_due(today, end=cycle.end, closed=cycle.is_closed):
            found.append(
                (
                    f"{Digest.RETROSPECTIVE.label}: {cycle.name}",
                    retrospective_message(membership, cycle),
                )
            )
    return found


RECENT = 5  # the sends the preview page lists


def recent_sends(membership: Membership) -> list[DigestSend]:
    """The person's latest digests that had something to say: sent, waiting, or failed with
    the error (so a failing mail server shows where the person looks for their digests)."""
    return list(
        DigestSend.objects.filter(
            workspace_id=membership.workspace_id, user_id=membership.user_id, empty=False
        ).order_by("-created", "-id")[:RECENT]
    )
