import json
from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from headway.accounts.models import Membership, User, Workspace
from headway.okrs.models import CheckIn, Cycle
from headway.plans import demo
from headway.plans.tests.helpers import SMALL, counts, edit, line_of
from headway.teams.models import Team

pytestmark = pytest.mark.django_db


def run(*args, **options) -> str:
    out = StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


class TestImportCommand:
    def test_it_imports_and_says_what_changed(self, tmp_path):
        path = tmp_path / "plan.yaml"
        path.write_text(SMALL)
        assert "created: " in run("import", str(path))
        assert "nothing to change" in run("import", str(path))

    def test_it_rejects_a_broken_plan_with_file_line_and_field(self, tmp_path):
        path = tmp_path / "plan.yaml"
        text = edit(SMALL, "value: 1, confidence: 9}", "value: 1, confidence: 11}")
        path.write_text(text)
        with pytest.raises(CommandError) as raised:
            run("import", str(path))
        line = line_of(text, "confidence: 11")
        assert f"{path}:{line}: objectives[1].key_results[1].check_ins[0].confidence" in str(
            raised.value
        )
        assert set(counts().values()) == {0}

    def test_it_records_the_actor(self, tmp_path, world):
        path = tmp_path / "plan.yaml"
        path.write_text(SMALL)
        run("import", str(path), actor="ada")
        with pytest.raises(CommandError, match="--actor: unknown user 'nobody'"):
            run("import", str(path), actor="nobody")


class TestExportCommand:
    def test_it_writes_json_as_of_a_date(self, tmp_path):
        path = tmp_path / "plan.yaml"
        path.write_text(SMALL)
        run("import", str(path))
        data = json.loads(run("export", workspace="acme", as_of="2026-01-20", format="json"))
        assert data["as_of"] == "2026-01-20"
        assert data["objectives"][0]["key_results"][0]["current"] == 900000

    def test_it_names_an_unknown_workspace(self):
        with pytest.raises(CommandError, match="unknown workspace 'nope'"):
            run("export", workspace="nope")


class TestDemoCommand:
    def test_it_prints_who_is_who_as_they_are(self, time_machine):
        time_machine.move_to(datetime(2027, 8, 10, 12, tzinfo=UTC), tick=False)
        run("demo", today="2027-08-10")
        roles = dict(Membership.objects.values_list("user__username", "role"))
        assert roles["olivia"] == "admin"
        assert roles["vera"] == "viewer"
        assert roles["liam"] == "member"
        assert Team.objects.filter(lead__username="liam").exists()

    def test_it_loads_a_live_looking_company_once(self, time_machine):
        # The clock agrees with --today: readings dated after today are refused.
        time_machine.move_to(datetime(2027, 8, 10, 12, tzinfo=UTC), tick=False)
        out = run("demo", today="2027-08-10", address="http://127.0.0.1:8042")
        assert f"Sign in at http://127.0.0.1:8042 with the password {demo.PASSWORD}" in out
        for username, who in demo.LOGINS.items():
            assert f"{username:<8} {who}" in out
            assert User.objects.get(username=username).check_password(demo.PASSWORD)
        active = Cycle.objects.get(state="active")
        assert active.start <= date(2027, 8, 10) <= active.end
        assert active.key == "2027-q3"
        assert not CheckIn.objects.filter(at__gt="2027-08-10").exists()
        assert CheckIn.objects.filter(key_result__objective__cycle=active).exists()
        before = counts()
        assert "already loaded" in run("demo", today="2027-08-10")
        assert counts() == before
        assert Workspace.objects.count() == 1
