"""The bulk actions of accounts (the plan import's writes), called directly."""

from headway.accounts import actions
from headway.accounts.actions import UserRow
from headway.accounts.models import Membership, User, Workspace
from headway.history.models import Event


class TestUpsertWorkspace:
    def test_it_creates_a_workspace_then_updates_it(self, db):
        values = {"key": "acme", "name": "Acme", "timezone": "UTC"}
        batch, new = actions.upsert_workspace(values, actor=None, via="import")
        assert new
        assert [(e.verb, e.changes) for e in batch.events] == [("created", values)]
        batch, new = actions.upsert_workspace(
            {**values, "name": "Acme Inc"}, actor=None, via="import"
        )
        assert not new
        assert Workspace.objects.get().name == "Acme Inc"
        assert batch.events[0].changes == {"name": ["Acme", "Acme Inc"]}


def users_of(world):
    return {u.username: u for u in User.objects.filter(memberships__workspace=world.workspace)}


class TestUpsertUsers:
    def test_new_accounts_have_no_usable_password(self, world):
        batch, _ = actions.upsert_workspace({"key": "acme"}, actor=None, via="import")
        found = actions.upsert_users(batch, [UserRow("zoe", "Zoe", "", None)], {}, shared=())
        assert not found["zoe"].has_usable_password()
        assert batch.ids["user"]["zoe"] == found["zoe"].pk
        assert batch.created["user"] == 1

    def test_shared_accounts_and_non_members_are_never_changed(self, world):
        batch, _ = actions.upsert_workspace({"key": "acme"}, actor=None, via="import")
        ada, max_ = world.user("admin"), world.user("member")
        items = [UserRow("ada", "Renamed", "", "admin"), UserRow("max", "Renamed", "", None)]
        actions.upsert_users(batch, items, users_of(world), shared={ada.pk})
        ada.refresh_from_db()
        max_.refresh_from_db()
        assert "Renamed" not in {ada.name, max_.name}
        assert not batch.updated


class TestUpsertMemberships:
    def test_it_adds_members_and_changes_roles_recording_each(self, world):
        batch, _ = actions.upsert_workspace({"key": "acme"}, actor=None, via="import")
        found = actions.upsert_users(batch, [UserRow("zoe", "Zoe", "", "member")], {}, shared=())
        items = [UserRow("zoe", "Zoe", "", "member"), UserRow("max", "Max", "", "viewer")]
        actions.upsert_memberships(batch, items, {**users_of(world), **found})
        roles = dict(
            Membership.objects.filter(workspace=world.workspace).values_list(
                "user__username", "role"
            )
        )
        assert (roles["zoe"], roles["max"]) == ("member", "viewer")
        batch.save_events()
        events = Event.objects.filter(subject_type="member").order_by("id")
        assert [(e.verb, e.subject_key, e.changes) for e in events] == [
            ("joined", "zoe", {"role": "member"}),
            ("updated", "max", {"role": ["member", "viewer"]}),
        ]


def test_set_passwords_gives_the_accounts_one_password(world):
    actions.set_passwords(["ada", "max"], "s3cret-demo")
    assert User.objects.get(username="ada").check_password("s3cret-demo")
    assert User.objects.get(username="max").check_password("s3cret-demo")
    assert not User.objects.get(username="vic").check_password("s3cret-demo")
