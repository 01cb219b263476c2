"""Page forms for cycles, objectives (with their key results), key results, check-ins,
initiatives, dependencies and retrospectives. Validation only: the writes are in okrs.actions."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.forms import formset_factory

from headway import access
from headway.accounts.models import Membership
from headway.core.forms import DateInput, PickerField, PickerInput
from headway.core.models import choices
from headway.domain.blockers import HELP_PREFIX, with_help_request
from headway.domain.bounds import MAX_NUMBER, MAX_TEXT
from headway.domain.kr_count import check_key_result_count
from headway.domain.policy import Action
from headway.domain.types import (
    CycleState,
    Direction,
    InitiativeStatus,
    Metric,
    ObjectiveKind,
    RuleViolation,
    Visibility,
)
from headway.okrs.models import Cycle, KeyResult, Objective
from headway.pages.pickers import members_of, person_picker, team_picker


class CycleForm(forms.ModelForm[Cycle]):
    """A cycle's name and dates. Its state is not edited here: it is active from its start date
    on its own; closing and reopening are buttons of their own (docs/scoring.md "Cycles")."""

    key = forms.SlugField(max_length=64, help_text="Short name used in URLs, e.g. 2026-q2.")

    class Meta:
        model = Cycle
        fields = ["key", "name", "start", "end"]
        widgets = {"start": DateInput(), "end": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.is_closed:
            # A closed cycle's scores are final: only its name may change until it is reopened.
            for name in ("key", "start", "end"):
                self.fields[name].disabled = True
                self.fields[name].help_text = "Reopen the cycle to change this."


class ObjectiveForm(forms.Form):
    title = forms.CharField(max_length=300, help_text="I will …")
    description = forms.CharField(
        required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )
    cycle = forms.ModelChoiceField(queryset=Cycle.objects.none(), to_field_name="key")
    team = team_picker()
    owner = person_picker()
    parent = PickerField(
        "okrs:pick-objectives",
        noun="objective",
        required=False,
        label="Aligned to (parent objective)",
    )
    kind = forms.ChoiceField(choices=choices(ObjectiveKind), initial=ObjectiveKind.ASPIRATIONAL)
    visibility = forms.ChoiceField(choices=choices(Visibility), initial=Visibility.WORKSPACE)

    def __init__(self, membership: Membership, *args: Any, **kwargs: Any) -> None:
        from headway import access

        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["cycle"].queryset = access.cycles_for(membership).exclude(
            state=CycleState.CLOSED.value
        )
        fields["team"].queryset = access.teams_for(membership)
        fields["owner"].queryset = members_of(membership)
        fields["parent"].queryset = access.objectives_for(membership).select_related("cycle")


class KeyResultForm(forms.Form):
    title = forms.CharField(max_length=300, label="As measured by")
    metric = forms.ChoiceField(choices=choices(Metric), initial=Metric.NUMBER)
    start = forms.FloatField(required=False, min_value=-MAX_NUMBER, max_value=MAX_NUMBER)
    target = forms.FloatField(required=False, min_value=-MAX_NUMBER, max_value=MAX_NUMBER)
    unit = forms.CharField(max_length=32, required=False)
    direction = forms.ChoiceField(choices=choices(Direction), initial=Direction.AUTO)
    weight = forms.FloatField(
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"placeholder": "1", "step": "any"}),
        help_text="Its share of the objective's progress is weight / sum of weights (blank: 1).",
    )
    owner = person_picker()
    kpi = PickerField("kpis:pick-kpis", noun="KPI", required=False, label="Driven by KPI")

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        from headway import access

        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["owner"].queryset = members_of(membership)
        fields["kpi"].queryset = access.kpis_for(membership)

    def clean_weight(self) -> float:
        weight = self.cleaned_data.get("weight")
        return 1.0 if weight is None else weight  # left blank: the default weight

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("metric") != Metric.BOOLEAN and data.get("target") is None:
            self.add_error("target", "Give a target value.")
        return data


class BaseKeyResultFormSet(forms.BaseFormSet[KeyResultForm]):
    """Up to 5 key results (domain.kr_count; fewer than 2 is a flagged draft): empty rows are
    ignored."""

    def clean(self) -> None:
        if any(self.errors):
            return
        try:
            check_key_result_count(len(filled_forms(self)))
        except RuleViolation as error:
            raise forms.ValidationError(f"Key results: {error.reason}.") from error


def filled_forms(formset: forms.BaseFormSet[KeyResultForm]) -> list[KeyResultForm]:
    """The rows with a title (a prefilled row counts even when left unchanged)."""
    return [f for f in formset.forms if getattr(f, "cleaned_data", {}).get("title")]


KeyResultFormSet = formset_factory(
    KeyResultForm, formset=BaseKeyResultFormSet, extra=5, max_num=5, absolute_max=5
)


class CheckInForm(forms.Form):
    """One key result's reading: left blank, the key result is skipped.

    A done/not-done key result takes a "Done" checkbox instead of a number; its row is saved
    when something in it changed. The date may be set back to the cycle's start.
    """

    value = forms.FloatField(
        required=False, label="New value", min_value=-MAX_NUMBER, max_value=MAX_NUMBER
    )
    confidence = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=10,
        label="Confidence",
        help_text="1 (no chance) to 10 (certain)",
    )
    note = forms.CharField(
        required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )
    # Room for the help request kept in front of the blockers (blockers_text).
    blockers = forms.CharField(
        required=False,
        max_length=MAX_TEXT - len(HELP_PREFIX) - 1,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    help_needed = forms.BooleanField(required=False, label="I need help")
    at = forms.DateField(
        required=False, label="Date", widget=DateInput(), help_text="Left blank: today."
    )

    def __init__(
        self,
        *args: Any,
        kr: KeyResult | None = None,
        today: date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.boolean = kr is not None and kr.metric == Metric.BOOLEAN.value
        if self.boolean:
            self.fields["value"] = forms.BooleanField(required=False, label="Done")
        if kr is not None and today is not None:
            cycle = kr.objective.cycle
            attrs = self.fields["at"].widget.attrs
            attrs["min"] = cycle.start.isoformat()
            attrs["max"] = min(today, cycle.end).isoformat()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.boolean and not self.has_changed():
            data["value"] = None  # an unchanged row is skipped, like a blank number
        if data.get("value") is not None and data.get("confidence") is None:
            self.add_error("confidence", "How confident are you? Give 1 to 10.")
        return data

    def blockers_text(self) -> str:
        """The help flag is kept with the blockers: it is what the team lead reads."""
        data = self.cleaned_data
        return with_help_request(str(data.get("blockers", "")), bool(data.get("help_needed")))


class InitiativeForm(forms.Form):
    title = forms.CharField(max_length=300, label="New initiative")
    due = forms.DateField(required=False, widget=DateInput())


class InitiativeEditForm(forms.Form):
    title = forms.CharField(max_length=300)
    owner = person_picker()
    status = forms.ChoiceField(choices=choices(InitiativeStatus))
    due = forms.DateField(required=False, widget=DateInput())
    key_result = forms.ModelChoiceField(
        queryset=KeyResult.objects.none(),
        to_field_name="key",
        required=False,
        label="Moves the key result",
        empty_label="The objective as a whole",
    )

    def __init__(self, membership: Membership, objective: Objective, *args: Any, **kw: Any):
        super().__init__(*args, **kw)
        fields: Any = self.fields
        fields["owner"].queryset = members_of(membership)
        fields["key_result"].queryset = objective.key_results.all()


class DependencyForm(forms.Form):
    """'This objective depends on' another objective or key result the caller can see, by key.
    Itself and what it already depends on are refused by the action (with their reason)."""

    depends_on = forms.CharField(
        label="Depends on",
        max_length=64,
        widget=PickerInput("okrs:pick-dependencies"),
    )
    note = forms.CharField(max_length=300, required=False)

    def __init__(self, membership: Membership, objective: Objective, *args: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.membership = membership
        fields: Any = self.fields
        fields["depends_on"].widget.params = {"for": objective.key}

    def clean_depends_on(self) -> dict[str, Any]:
        """An objective of that key, else a key result of that key (keys are unique per kind)."""
        from headway import access

        key = self.cleaned_data["depends_on"]
        if objective := access.objectives_for(self.membership).filter(key=key).first():
            return {"depends_on_objective": objective}
        if kr := access.key_results_for(self.membership).filter(key=key).first():
            return {"depends_on_key_result": kr}
        raise forms.ValidationError(
            f"There is no objective or key result “{key}” you may choose.", code="invalid_choice"
        )


class InitiativeStatusForm(forms.Form):
    status = forms.ChoiceField(choices=choices(InitiativeStatus))


class RetrospectiveForm(forms.Form):
    retrospective = forms.CharField(
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Retrospective",
    )


class TreeFilterForm(forms.Form):
    """Filters of the OKR tree; any filter shows the matching objectives as a flat list."""

    q = forms.CharField(required=False, label="Search")
    # Typed, not listed: a workspace may have thousands of teams and people.
    team = team_picker(label="Team")
    owner = person_picker(label="Owner")
    status = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Any status"),
            ("on_track", "On track"),
            ("at_risk", "At risk"),
            ("off_track", "Off track"),
            ("done", "Done"),
        ],
    )
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *choices(ObjectiveKind)])

    def __init__(self, membership: Membership, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        fields: Any = self.fields
        fields["team"].queryset = access.teams_for(membership)
        fields["owner"].queryset = members_of(membership)
        if not access.may_own(membership, Action.CREATE):  # suggestions are for editors
            for name in ("team", "owner"):
                fields[name].widget = forms.TextInput(attrs={"placeholder": "any"})

    @property
    def active(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)
