"""A plan file is untrusted input: each attack replayed with a small file (issue 9, 5 and 8)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from headway.accounts.models import Membership, User, Workspace
from headway.plans.importer import import_plan
from headway.plans.schema import PlanError, parse_plan
from headway.plans.tests.helpers import SMALL, counts, edit

pytestmark = pytest.mark.django_db

# The 562-byte "billion laughs": nine levels of ten aliases, 10^9 strings once expanded.
LAUGHS = """\
workspace: {key: lol, name: Lol}
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""

# Rows multiplied by aliases: a check-in list reused by many key results.
ROWS = """\
workspace: {key: acme, name: Acme}
users: [{username: ada, role: admin}]
cycles: [{key: q1, name: Q1, start: 2026-01-01, end: 2026-03-31}]
objectives:
  - key: o1
    title: Grow
    cycle: q1
    key_results:
      - key: kr1
        title: More
        target: 10
        check_ins: &many
          - {at: 2026-01-05, value: 1, confidence: 5}
          - {at: 2026-01-06, value: 2, confidence: 5}
      - key: kr2
        title: Again
        target: 10
        check_ins: *many
"""


def problems(raised: pytest.ExceptionInfo[PlanError]) -> list[str]:
    return raised.value.format()


class TestAliases:
    def test_the_billion_laughs_is_refused_at_the_first_alias(self):
        with pytest.raises(PlanError) as raised:
            import_plan(LAUGHS, filename="lol.yaml")
        assert problems(raised) == [
            "lol.yaml:2: (plan): the value anchored here (&name) is used again through an "
            "alias (*name): aliases are not allowed in a plan file, write the value out"
        ]
        assert set(counts().values()) == {0}

    def test_rows_multiplied_by_an_alias_are_refused(self):
        with pytest.raises(PlanError, match=r"^rows\.yaml:12: \(plan\): the value anchored here"):
            import_plan(ROWS, filename="rows.yaml")
        assert set(counts().values()) == {0}

    def test_a_merge_key_is_an_alias_too(self):
        text = "workspace: &w {key: acme, name: Acme}\nusers:\n  - <<: *w\n"
        with pytest.raises(PlanError, match="aliases are not allowed"):
            parse_plan(text)

    def test_a_recursive_alias_is_refused(self):
        with pytest.raises(PlanError, match="aliases are not allowed"):
            parse_plan("workspace: {key: a, name: A}\nteams: &t [*t]\n")

    def test_an_anchor_used_once_is_harmless(self):
        plan = parse_plan(edit(SMALL, "  key: acme", "  key: &k acme"))
        assert plan.workspace["key"] == "acme"


class TestDuplicateKeys:
    def test_a_repeated_field_is_refused_with_both_lines(self):
        text = edit(
            SMALL,
            "    visibility: team\n",
            "    visibility: team\n    visibility: workspace\n",
        )
        line = text.splitlines().index("    visibility: workspace") + 1
        with pytest.raises(PlanError) as raised:
            import_plan(text, filename="plan.yaml")
        assert problems(raised) == [
            f"plan.yaml:{line}: (plan): duplicate key 'visibility' (first on line {line - 1}): "
            "a mapping gives each key once"
        ]
        assert set(counts().values()) == {0}

    def test_a_repeated_section_is_refused(self):
        with pytest.raises(PlanError, match=r"^plan:3: \(plan\): duplicate key 'workspace'"):
            parse_plan("workspace: {key: a, name: A}\nusers: []\nworkspace: {key: b, name: B}\n")

    def test_json_duplicates_are_refused_too(self):
        with pytest.raises(PlanError, match="duplicate key 'key'"):
            parse_plan('{"workspace": {"key": "a", "key": "b", "name": "A"}}')


class TestLimits:
    def test_a_file_over_the_size_limit_is_refused_before_it_is_read(self, tmp_path, settings):
        settings.HEADWAY_PLAN_MAX_BYTES = 1000
        path = tmp_path / "plan.yaml"
        path.write_text(SMALL)
        with pytest.raises(CommandError) as raised:
            call_command("import", str(path), stdout=StringIO())
        assert f"{path}: (plan): is {len(SMALL.encode()):,} bytes, more than the 1,000" in str(
            raised.value
        )
        assert "HEADWAY_PLAN_MAX_BYTES" in str(raised.value)
        assert set(counts().values()) == {0}

    def test_text_over_the_size_limit_is_refused(self, settings):
        settings.HEADWAY_PLAN_MAX_BYTES = 1000
        with pytest.raises(PlanError, match="more than the 1,000 a plan file may have"):
            import_plan(SMALL)

    def test_a_plan_with_too_many_items_is_refused(self, settings):
        settings.HEADWAY_PLAN_MAX_ROWS = 10
        with pytest.raises(PlanError) as raised:
            import_plan(SMALL)
        (problem,) = problems(raised)
        assert "more than the 10 a plan file may hold (HEADWAY_PLAN_MAX_ROWS)" in problem
        assert set(counts().values()) == {0}

    def test_a_huge_value_is_never_echoed_whole(self):
        huge = "x" * 100_000
        text = edit(SMALL, "kind: company", f"kind: {huge}")
        text = edit(text, "timezone: Europe/Paris", f"timezone: {huge}")
        text = edit(text, "members: [max]", f"members: [max, {huge}]")
        text = edit(text, "    lead: max\n", f"    lead: max\n    {huge[:1000]}: 1\n")
        with pytest.raises(PlanError) as raised:
            import_plan(text)
        assert len(problems(raised)) == 4  # time zone, kind, a member, unknown field
        assert all(len(line) < 400 for line in problems(raised))
        with pytest.raises(PlanError) as raised:
            import_plan(edit(SMALL, "members: [max]", f"members: [max, {huge}]"))
        assert all(len(line) < 400 for line in problems(raised))
        assert "teams[1].members[1]: must be at most 150 characters" in str(raised.value)


class TestAdmins:
    def test_a_new_workspace_without_an_admin_is_refused(self):
        text = edit(SMALL, "role: admin}", "role: member}")
        with pytest.raises(PlanError, match="users: the workspace would have no admin"):
            import_plan(text)
        assert set(counts().values()) == {0}

    def test_a_plan_may_not_demote_the_last_admin(self):
        import_plan(SMALL)
        with pytest.raises(PlanError, match="would have no admin"):
            import_plan(edit(SMALL, "role: admin}", "role: viewer}"))
        assert Membership.objects.get(user__username="ada").role == "admin"

    def test_an_admin_outside_the_file_is_enough(self):
        import_plan(SMALL)
        other = User.objects.create(username="zoe")
        Membership.objects.create(user=other, workspace=Workspace.objects.get(), role="admin")
        import_plan(edit(SMALL, "role: admin}", "role: viewer}"))
        assert Membership.objects.get(user__username="ada").role == "viewer"


class TestAccounts:
    @pytest.fixture
    def olivia(self):
        """An account that belongs to another workspace."""
        user = User.objects.create(username="olivia", name="Olivia O.", email="olivia@x.example")
        other = Workspace.objects.create(key="other", name="Other")
        Membership.objects.create(user=user, workspace=other, role="admin")
        return user

    def with_user(self, line: str) -> str:
        return edit(SMALL, "users:\n", f"users:\n  - {line}\n")

    def test_it_does_not_rewrite_the_name_or_email_of_someone_elses_account(self, olivia):
        text = self.with_user("{username: olivia, name: Hacked, email: me@evil.example}")
        with pytest.raises(PlanError) as raised:
            import_plan(text)
        assert [p.split(": ", 1)[1] for p in problems(raised)] == [
            "users[0].name: 'olivia' belongs to other workspaces too: their name is theirs to "
            "change (leave it out, or give the current one)",
            "users[0].email: 'olivia' belongs to other workspaces too: their email is theirs "
            "to change (leave it out, or give the current one)",
        ]
        olivia.refresh_from_db()
        assert (olivia.name, olivia.email) == ("Olivia O.", "olivia@x.example")

    def test_it_adds_someone_elses_account_without_changing_it(self, olivia):
        import_plan(self.with_user("{username: olivia}"))
        olivia.refresh_from_db()
        assert (olivia.name, olivia.email) == ("Olivia O.", "olivia@x.example")
        assert olivia.memberships.count() == 2

    def test_it_does_not_create_Olivia_beside_olivia(self, olivia):
        text = self.with_user("{username: Olivia, email: olivia@x.example}")
        with pytest.raises(PlanError, match="'Olivia' is the existing account 'olivia'"):
            import_plan(text)
        assert User.objects.count() == 1

    def test_it_does_not_give_a_new_account_someone_elses_email(self, olivia):
        text = self.with_user("{username: liv, email: OLIVIA@x.example}")
        with pytest.raises(PlanError, match=r"users\[0\]\.email: e-mail 'OLIVIA@x.example' "):
            import_plan(text)
        assert User.objects.count() == 1

    def test_usernames_and_emails_in_the_file_match_whatever_the_case(self):
        text = self.with_user("{username: Ada, email: ADA@acme.example}")
        with pytest.raises(PlanError) as raised:
            parse_plan(text)
        assert [p.split(": ", 2)[1] for p in problems(raised)] == [
            "users[1].username",
            "users[1].email",
        ]

    def test_a_new_username_follows_the_rules_of_the_forms(self):
        text = self.with_user("{username: 'bad name<script>'}")
        with pytest.raises(PlanError, match=r"users\[0\]\.username: Enter a valid username"):
            import_plan(text)
        assert not User.objects.exists()
