import pytest

from headway.history.models import Event


@pytest.mark.parametrize(
    ("verb", "subject_type", "sentence"),
    [
        ("checked_in", "key_result", "checked in on the key result"),
        ("values_recorded", "kpi", "recorded values of the KPI"),
        ("created", "objective", "created the objective"),
        ("renamed", "widget", "renamed the widget"),  # unknown words still read
    ],
)
def test_an_event_reads_as_a_sentence(verb, subject_type, sentence):
    assert Event(verb=verb, subject_type=subject_type).sentence == sentence
