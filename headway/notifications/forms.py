"""The preferences form: one checkbox per kind by channel that exists, and the quiet hours."""

from __future__ import annotations

from typing import Any

from django import forms

from headway.domain.notify import KINDS, Channel, label

HOURS = [("", "none"), *((str(h), f"{h:02d}:00") for h in range(24))]


def name(kind: str, channel: Channel) -> str:
    return f"{kind}:{channel.value}"


class PreferencesForm(forms.Form):
    """Checkboxes named `<kind>:<channel>` (only where the channel exists for the kind), and
    quiet hours from `quiet_start` to `quiet_end` (both or neither)."""

    quiet_start = forms.TypedChoiceField(
        choices=HOURS, required=False, coerce=int, empty_value=None, label="Quiet from"
    )
    quiet_end = forms.TypedChoiceField(
        choices=HOURS, required=False, coerce=int, empty_value=None, label="until"
    )

    def __init__(
        self,
        data: Any = None,
        *,
        current: dict[str, dict[str, bool | None]],
        quiet: tuple[int, int] | None,
    ) -> None:
        initial: dict[str, Any] = {
            "quiet_start": quiet[0] if quiet else None,
            "quiet_end": quiet[1] if quiet else None,
        }
        super().__init__(data, initial=initial)
        for kind in KINDS:
            for channel in Channel:
                on = current[kind][channel.value]
                if on is not None:
                    initial[name(kind, channel)] = on
                    self.fields[name(kind, channel)] = forms.BooleanField(
                        required=False, label=f"{label(kind)}: {channel.label}"
                    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("quiet_start"), cleaned.get("quiet_end")
        if (start is None) != (end is None):
            self.add_error("quiet_end", "Give both hours, or neither for no quiet hours.")
        return cleaned

    def rows(self) -> list[tuple[str, list[forms.BoundField | None]]]:
        """The grid: each kind with its checkbox per channel (None where there is none)."""
        return [
            (
                label(kind),
                [self[name(kind, c)] if name(kind, c) in self.fields else None for c in Channel],
            )
            for kind in KINDS
        ]

    def choices(self) -> dict[tuple[str, str], bool]:
        return {
            (kind, c.value): bool(self.cleaned_data.get(name(kind, c)))
            for kind in KINDS
            for c in Channel
            if name(kind, c) in self.fields
        }

    def quiet_hours(self) -> tuple[int, int] | None:
        start, end = self.cleaned_data.get("quiet_start"), self.cleaned_data.get("quiet_end")
        return None if start is None or end is None else (start, end)
