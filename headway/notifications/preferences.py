"""A person's notification preferences (docs/notifications.md): which kinds reach them on
which channel, their quiet hours. Only what differs from the default table
(domain.notify.default) is stored."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping

from django.db import transaction

from headway.domain.notify import KINDS, Channel, default, offered, wanted
from headway.notifications.models import Preference, QuietHours

Overrides = dict[tuple[str, str], bool]  # (kind, channel) -> on/off, where it differs


def overrides_of(user_ids: Iterable[int], workspace_id: int) -> dict[int, Overrides]:
    """The stored choices of these people in a workspace, by user id (one query)."""
    found: dict[int, Overrides] = defaultdict(dict)
    rows = Preference.objects.filter(workspace_id=workspace_id, user_id__in=list(user_ids))
    for user_id, kind, channel, enabled in rows.values_list(
        "user_id", "kind", "channel", "enabled"
    ):
        found[user_id][(kind, channel)] = enabled
    return found


def overrides_in(people: Mapping[int, Collection[int]]) -> dict[tuple[int, int], Overrides]:
    """The stored choices of people in several workspaces ({workspace id: user ids}), by
    (workspace id, user id), in one query."""
    found: dict[tuple[int, int], Overrides] = defaultdict(dict)
    users = {pk for ids in people.values() for pk in ids}
    rows = Preference.objects.filter(workspace_id__in=list(people), user_id__in=users)
    for workspace_id, user_id, kind, channel, enabled in rows.values_list(
        "workspace_id", "user_id", "kind", "channel", "enabled"
    ):
        if user_id in people[workspace_id]:
            found[(workspace_id, user_id)][(kind, channel)] = enabled
    return found


def wants(user_id: int, workspace_id: int, kind: str, channel: Channel | str) -> bool:
    """Whether this person wants `kind` on `channel` in this workspace (one query)."""
    return wants_many([user_id], workspace_id, kind, channel)[user_id]


def wants_many(
    user_ids: Iterable[int], workspace_id: int, kind: str, channel: Channel | str
) -> dict[int, bool]:
    """The bulk form of `wants`: {user id: wants it} for these people (one query)."""
    ids = list(user_ids)
    overrides = overrides_of(ids, workspace_id)
    return {pk: wanted(kind, Channel(channel), overrides.get(pk)) for pk in ids}


def grid(user_id: int, workspace_id: int) -> dict[str, dict[str, bool | None]]:
    """Every kind by channel for the preferences page and the API: on, off, or None where the
    channel does not exist for the kind (a digest in the app)."""
    overrides = overrides_of([user_id], workspace_id).get(user_id, {})
    return {
        kind: {c.value: wanted(kind, c, overrides) if offered(kind, c) else None for c in Channel}
        for kind in KINDS
    }


def set_preferences(
    user_id: int, workspace_id: int, choices: Mapping[tuple[str, str], bool]
) -> None:
    """Store these choices ((kind, channel) -> on/off; validated by the caller): a choice equal
    to the default removes the stored row, so a later change of defaults reaches everyone who
    never chose."""
    with transaction.atomic():
        rows = Preference.objects.filter(user_id=user_id, workspace_id=workspace_id)
        for (kind, channel), enabled in choices.items():
            if enabled == default(kind, Channel(channel)):
                rows.filter(kind=kind, channel=channel).delete()
            else:
                Preference.objects.update_or_create(
                    user_id=user_id,
                    workspace_id=workspace_id,
                    kind=kind,
                    channel=channel,
                    defaults={"enabled": enabled},
                )


def quiet_hours(user_id: int, workspace_id: int) -> tuple[int, int] | None:
    """(start, end) of this person's quiet hours in the workspace, or None."""
    found = QuietHours.objects.filter(user_id=user_id, workspace_id=workspace_id).first()
    return None if found is None else (found.start_hour, found.end_hour)


def set_quiet_hours(user_id: int, workspace_id: int, hours: tuple[int, int] | None) -> None:
    """Set (or with None, or equal start and end, clear) a person's quiet hours."""
    rows = QuietHours.objects.filter(user_id=user_id, workspace_id=workspace_id)
    if hours is None or hours[0] == hours[1]:
        rows.delete()
        return
    QuietHours.objects.update_or_create(
        user_id=user_id,
        workspace_id=workspace_id,
        defaults={"start_hour": hours[0], "end_hour": hours[1]},
    )
