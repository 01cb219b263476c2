"""The page form, the API and the plan file agree on what a field left alone means."""

from headway.okrs.forms import ObjectiveForm
from headway.okrs.schemas import ObjectiveIn
from headway.plans.schema import Objective


def test_an_objective_is_aspirational_unless_said_otherwise_everywhere():
    api_default = ObjectiveIn.model_fields["kind"].default
    assert ObjectiveForm.base_fields["kind"].initial == api_default
    assert Objective.model_fields["kind"].default == api_default


def test_an_objective_is_visible_to_the_workspace_unless_said_otherwise_everywhere():
    api_default = ObjectiveIn.model_fields["visibility"].default
    assert ObjectiveForm.base_fields["visibility"].initial == api_default
    assert Objective.model_fields["visibility"].default == api_default
