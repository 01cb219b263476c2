"""The plan file and the API check their fields with the same types (headway.api_schemas)."""

from datetime import UTC, datetime

import pytest

from headway.domain.types import Cadence, KPIDirection, Metric, TeamKind, Visibility
from headway.kpis.schemas import KPIIn
from headway.okrs.schemas import KeyResultIn, ObjectiveIn
from headway.plans import schema
from headway.plans.importer import import_plan
from headway.plans.schema import PlanError, parse_plan
from headway.plans.tests.helpers import SMALL, counts, edit, line_of
from headway.teams.schemas import TeamIn

ENUM_FIELDS = [
    (KPIIn, schema.KPI, "direction", KPIDirection),
    (KPIIn, schema.KPI, "cadence", Cadence),
    (ObjectiveIn, schema.Objective, "visibility", Visibility),
    (KeyResultIn, schema.KeyResult, "metric", Metric),
    (TeamIn, schema.Team, "kind", TeamKind),
]


@pytest.mark.parametrize(("api", "plan", "name", "enum"), ENUM_FIELDS)
def test_an_enum_field_lists_every_member_of_the_domain_enum(api, plan, name, enum):
    values = [member.value for member in enum]
    assert api.model_json_schema()["properties"][name]["enum"] == values
    assert plan.model_json_schema()["properties"][name]["enum"] == values


@pytest.mark.parametrize(("api", "plan", "name", "enum"), ENUM_FIELDS)
def test_an_enum_field_keeps_plain_text(api, plan, name, enum):
    value = list(enum)[-1].value
    assert type(api.model_fields[name].default) is str
    assert type(plan.model_validate({**required(plan), name: value}).__dict__[name]) is str


def required(model):
    """The least a row of `model` needs: its required fields, with valid values."""
    sample = {"key": "k", "name": "N", "title": "T", "cycle": "c"}
    return {name: sample[name] for name, f in model.model_fields.items() if f.is_required()}


@pytest.fixture(autouse=True)
def _early_march(time_machine):
    time_machine.move_to(datetime(2026, 3, 10, 12, tzinfo=UTC), tick=False)


@pytest.mark.django_db
def test_the_file_refuses_what_the_api_refuses():
    text = edit(SMALL, "members: [max]", "members: [max, 7]")
    text = edit(text, "title: Make the site fast", "title: ''")
    text = edit(text, "owner: max\n    team: web", 'owner: "m\\tx"\n    team: web')
    text = edit(text, "note: two big deals", 'note: "two\\0deals"')
    with pytest.raises(PlanError) as raised:
        import_plan(text, filename="plan.yaml")
    expected = [
        ("members: [max, 7]", "teams[1].members[1]", "must be text, not int 7"),
        ("title: ''", "objectives[1].title", "must not be empty"),
        ('owner: "m', "objectives[1].owner", "must not contain control characters"),
        (
            "deals",
            "objectives[0].key_results[0].check_ins[1].note",
            "must not contain a NUL character",
        ),
    ]
    assert raised.value.format() == [
        f"plan.yaml:{line_of(text, line)}: {field}: {message}" for line, field, message in expected
    ]
    assert set(counts().values()) == {0}


def test_a_field_given_as_null_takes_its_default():
    plan = parse_plan(edit(SMALL, "visibility: team", "visibility: null"))
    assert plan.objectives[1]["visibility"] == Visibility.WORKSPACE.value


def test_an_unknown_field_given_as_null_is_still_reported():
    with pytest.raises(PlanError, match=r"objectives\[1\]\.visibilty: unknown field"):
        parse_plan(edit(SMALL, "visibility: team", "visibilty: null"))


def test_a_required_field_given_as_null_is_reported_on_its_item():
    text = edit(SMALL, "title: Make the site fast", "title: null")
    with pytest.raises(PlanError) as raised:
        parse_plan(text, "plan.yaml")
    assert raised.value.format() == [
        f"plan.yaml:{line_of(text, 'key: web-fast')}: objectives[1]: title is required"
    ]


def test_an_invalid_item_leaves_the_rest_of_its_list_checked():
    text = edit(SMALL, "key: web-p95", "key: 'web p95'")
    text = edit(text, "value: 1, confidence: 9}", "value: 5, confidence: 9}")
    with pytest.raises(PlanError) as raised:
        parse_plan(text, "plan.yaml")
    assert [line.split(": ", 2)[1:] for line in raised.value.format()] == [
        ["objectives[1].key_results[0].key",
         "must be letters, digits, '.', '_' or '-', starting with a letter or digit"],
        ["objectives[1].key_results[1].check_ins[0].value", "must be true or false (or 1 or 0)"],
    ]  # fmt: skip


def test_frozen_figures_name_an_unknown_figure():
    figures = "{progress: 1, status: done, score: 1, expected: 1, grade: A}"
    text = edit(
        SMALL, "state: closed}", f"state: closed, frozen: {{objectives: {{q4: {figures}}}}}}}"
    )
    with pytest.raises(PlanError, match=r"frozen\.objectives\.q4\.grade: unknown field \(fields: "):
        parse_plan(text)


def test_a_number_given_as_a_field_name_is_an_unknown_field():
    text = edit(SMALL, "visibility: team", "visibility: team\n    1: x")
    with pytest.raises(PlanError) as raised:
        parse_plan(text, "plan.yaml")
    (problem,) = raised.value.format()
    assert problem.startswith(f"plan.yaml:{line_of(text, '1: x')}: objectives[1].1: unknown field")
