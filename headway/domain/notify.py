"""Who hears of an event, and where (docs/notifications.md): the channels, the default table of
preferences, quiet hours, and the recipients of an event given how each person stands to it.

Plain rules: the notifications app loads the facts (owners, leads, followers, members,
preferences) a chunk of events at a time and asks these functions what to deliver.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from headway.domain.events import Kind
from headway.domain.policy import Relation, can_see
from headway.domain.types import Choice, KPIStatus, Role, Visibility


class Channel(Choice):
    """Where a notification reaches a person."""

    IN_APP = "in_app"
    EMAIL = "email"

    @property
    def label(self) -> str:
        return "In the app" if self is Channel.IN_APP else "E-mail"


class Digest(Choice):
    """The digests: one message per person and period, by e-mail only (never one per event)."""

    WEEKLY = "digest.weekly"
    KPI_REVIEW = "digest.kpi_review"
    RETROSPECTIVE = "digest.retrospective"

    @property
    def label(self) -> str:
        return {
            "digest.weekly": "Digest: weekly personal digest",
            "digest.kpi_review": "Digest: monthly KPI review",
            "digest.retrospective": "Digest: retrospective reminder at cycle end",
        }[self.value]


# Every kind a preference may name: the events, then the digests.
KINDS: tuple[str, ...] = (*(k.value for k in Kind), *(d.value for d in Digest))
DIGESTS = frozenset(d.value for d in Digest)
STATUS_KINDS = frozenset(
    {Kind.OBJECTIVE_STATUS_CHANGED, Kind.KEY_RESULT_STATUS_CHANGED, Kind.KPI_STATUS_CHANGED}
)
CYCLE_KINDS = frozenset({Kind.CYCLE_STARTED, Kind.CYCLE_ENDING, Kind.CYCLE_CLOSED})
# E-mail is on by default for these kinds; in the app, every event kind is on.
EMAIL_BY_DEFAULT = frozenset(
    {*STATUS_KINDS, Kind.CHECK_IN_HELP_REQUESTED, *(d.value for d in Digest)}
)


def label(kind: str) -> str:
    """The human name of a preference kind."""
    return Digest(kind).label if kind in DIGESTS else Kind(kind).label


def offered(kind: str, channel: Channel) -> bool:
    """Whether `channel` exists for `kind` at all: digests go by e-mail only."""
    return channel is Channel.EMAIL or kind not in DIGESTS


def default(kind: str, channel: Channel) -> bool:
    """Whether `kind` reaches a person on `channel` when they never said otherwise: in the app
    every event; by e-mail the status changes (those that matter, see `worth_email`), help
    requested on your team, and the digests."""
    if not offered(kind, channel):
        return False
    return channel is Channel.IN_APP or kind in EMAIL_BY_DEFAULT


def wanted(
    kind: str, channel: Channel, overrides: Mapping[tuple[str, str], bool] | None = None
) -> bool:
    """Whether a person wants `kind` on `channel`: their own choice (`overrides`, by (kind,
    channel), only what differs from the default is stored) or the default."""
    if not offered(kind, channel):
        return False
    chosen = (overrides or {}).get((kind, channel.value))
    return default(kind, channel) if chosen is None else chosen


def worsened(kind: str, data: Mapping[str, Any]) -> bool:
    """A status change (of an objective, a key result or a KPI) to a worse one."""
    return kind in STATUS_KINDS and data.get("worsened") is True


def worth_email(kind: str, data: Mapping[str, Any]) -> bool:
    """Whether this event is news enough for an e-mail, for someone whose e-mail switch for its
    kind is on: a status change only when it worsened (a KPI: when it turned red); every other
    kind always. The inbox shows every change."""
    if kind == Kind.KPI_STATUS_CHANGED:
        return data.get("to") == KPIStatus.RED.value
    if kind in STATUS_KINDS:
        return worsened(kind, data)
    return True


# Who hears an event ---------------------------------------------------------------------------


class Reason(Choice):
    """Why a person hears an event, the strongest first."""

    OWNER = "owner"
    TEAM_LEAD = "team_lead"
    LEAD_ABOVE = "lead_above"
    TEAM_MEMBER = "team_member"
    FOLLOWER = "follower"
    WORKSPACE = "workspace"

    @property
    def label(self) -> str:
        return {
            "owner": "you own it",
            "team_lead": "you lead its team",
            "lead_above": "you lead a team above its team",
            "team_member": "it is on your team",
            "follower": "you follow it",
            "workspace": "it concerns the whole workspace",
        }[self.value]


@dataclass(frozen=True, slots=True)
class Audience:
    """The people who stand to an event's subject, by user id.

    owner: the subject's owner (a key result's, else its objective's); objective_owner: the
    owner of its objective. team_lead: the lead of its team; leads_above: the leads of the
    teams above it; team_members: its team's members. followers: who follow the subject, its
    objective, its KPI or its team. members: every member of the workspace with their role
    (nobody outside it hears anything). visibility: the objective's (None: visible to all).
    """

    members: Mapping[int, Role]
    owner: int | None = None
    objective_owner: int | None = None
    team_lead: int | None = None
    leads_above: frozenset[int] = field(default_factory=frozenset)
    team_members: frozenset[int] = field(default_factory=frozenset)
    followers: frozenset[int] = field(default_factory=frozenset)
    visibility: Visibility | None = None


def reasons_for(kind: str, data: Mapping[str, Any]) -> tuple[Reason, ...]:
    """Who hears an event of `kind`: its owner, its team's lead and its followers; the leads of
    the teams above for a status that worsened; the team's members for a help request; every
    member for the news of a cycle (starting, ending, closed)."""
    if kind in CYCLE_KINDS:
        return (Reason.WORKSPACE,)
    found = [Reason.OWNER, Reason.TEAM_LEAD]
    if worsened(kind, data):
        found.append(Reason.LEAD_ABOVE)
    if kind == Kind.CHECK_IN_HELP_REQUESTED:
        found.append(Reason.TEAM_MEMBER)
    found.append(Reason.FOLLOWER)
    return tuple(found)


def candidates(reason: Reason, audience: Audience) -> Collection[int]:
    if reason is Reason.OWNER:
        return {p for p in (audience.owner, audience.objective_owner) if p is not None}
    if reason is Reason.TEAM_LEAD:
        return set() if audience.team_lead is None else {audience.team_lead}
    if reason is Reason.LEAD_ABOVE:
        return audience.leads_above
    if reason is Reason.TEAM_MEMBER:
        return audience.team_members
    if reason is Reason.FOLLOWER:
        return audience.followers
    return audience.members.keys()


def sees(person: int, audience: Audience) -> bool:
    """Whether `person` may see the event's subject (domain.policy.can_see): what a person may
    not see, they do not hear of, even as a follower or a lead above."""
    role = audience.members.get(person)
    if role is None:
        return False
    if audience.visibility is None:
        return True
    relation = Relation(
        is_owner=person in (audience.owner, audience.objective_owner),
        in_team=person in audience.team_members or person == audience.team_lead,
        leads_above=person == audience.team_lead or person in audience.leads_above,
    )
    return can_see(role, audience.visibility, relation)


def recipients(
    kind: str, data: Mapping[str, Any], audience: Audience, *, actor: int | None
) -> dict[int, Reason]:
    """Who hears an event, each with the strongest reason: those `reasons_for` names who are
    members of the workspace and may see its subject, but not its actor (nobody hears of
    their own action)."""
    heard: dict[int, Reason] = {}
    for reason in reasons_for(kind, data):
        for person in sorted(candidates(reason, audience)):
            if person not in heard and person != actor and sees(person, audience):
                heard[person] = reason
    return heard


# Quiet hours ---------------------------------------------------------------------------------


def is_quiet(hour: int, start: int, end: int) -> bool:
    """Whether the wall-clock `hour` falls in the quiet hours from `start` to `end` (hours of
    the day, end excluded; 22 to 7 wraps over midnight; equal start and end: no quiet hours)."""
    if start == end:
        return False
    if start < end:
        return start <= hour < end
    return hour >= start or hour < end


def send_at(now: datetime, tz_name: str, start: int | None, end: int | None) -> datetime:
    """When an e-mail due at `now` (aware) may go out: `now`, or, during the quiet hours of
    the workspace's time zone, the moment they end (`end`:00 local, in UTC).

    Daylight saving time: an end hour the clocks skip is read with the offset before the change
    (fold=0), which lands on the moment the clocks jump; it is one real moment either way."""
    if start is None or end is None:
        return now
    tz = ZoneInfo(tz_name)
    local = now.astimezone(tz)
    if not is_quiet(local.hour, start, end):
        return now
    day = local.date() if local.hour < end else local.date() + timedelta(days=1)
    ends = datetime.combine(day, time(end), tzinfo=tz).astimezone(UTC)
    return max(ends, now)


# Retries -------------------------------------------------------------------------------------

RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30))
# An e-mail (a notification's, a digest's) is claimed before it is sent; a claim older than this
# belongs to a worker that died, and is taken again.
CLAIM_TIMEOUT = timedelta(minutes=10)


def retry_after(attempts: int) -> timedelta | None:
    """How long to wait before trying an e-mail again after `attempts` failed tries (1, 5, then
    30 minutes); None once every retry is spent (the error stays on the inbox entry)."""
    if attempts < 1 or attempts > len(RETRY_DELAYS):
        return None
    return RETRY_DELAYS[attempts - 1]
