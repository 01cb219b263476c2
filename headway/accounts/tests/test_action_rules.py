"""Every rule of the membership, invitation, workspace and token actions, called directly: what
a success stores and records in the history, and that a refusal changes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from headway.accounts import actions, tokens
from headway.accounts.models import ApiToken, Invitation, Membership, User, Workspace, hash_token
from headway.core.errors import Conflict, Forbidden, Invalid, NotFound
from headway.core.tests.factories import MembershipFactory, UserFactory
from headway.core.tests.fixtures import nothing_changes, refused, the_event
from headway.domain.types import Role
from headway.history.models import Event
from headway.okrs.models import Cycle


def pending(world, login: str, user: User | None = None) -> Invitation:
    return Invitation.objects.create(
        workspace=world.workspace, login=login, role="member", user=user,
        invited_by=world.user("admin"),
    )  # fmt: skip


class TestChangeRole:
    def test_it_gives_the_new_role_and_records_the_old_one(self, world):
        actions.change_role(world.member, Role.VIEWER, actor=world.user("admin"), via="web")
        assert Membership.objects.get(pk=world.member.pk).role == "viewer"
        event = the_event(
            verb="updated",
            subject_type="membership",
            changes={"role": ["member", "viewer"]},
            summary="max is now viewer",
        )
        assert (event.actor, event.via) == (world.user("admin"), "web")

    def test_the_same_role_records_nothing(self, world):
        with nothing_changes():
            actions.change_role(world.member, Role.MEMBER, actor=None)

    def test_the_last_admin_keeps_the_role(self, world):
        with refused(Conflict, "at least one admin", field="role"):
            actions.change_role(world.admin, Role.MEMBER, actor=None)

    def test_an_admin_may_step_down_when_another_remains(self, world):
        actions.change_role(world.member, Role.ADMIN, actor=None)
        actions.change_role(world.admin, Role.MEMBER, actor=None)
        assert Membership.objects.get(pk=world.admin.pk).role == "member"


class TestAddMember:
    def test_a_new_account_is_saved_and_joins(self, world):
        newcomer = User(username="nia", email="nia@example.com")
        membership = actions.add_member(
            world.workspace, newcomer, Role.MEMBER, actor=world.user("admin"), via="web"
        )
        assert membership.user == User.objects.get(username="nia")
        event = the_event(
            verb="joined",
            subject_type="membership",
            changes={"user": "nia", "role": "member"},
            summary="nia as member",
        )
        assert (event.actor, event.via) == (world.user("admin"), "web")

    @pytest.mark.parametrize(
        ("username", "email", "field"),
        [("MAX", "new@example.com", "username"), ("new", "Max@Example.com", "email")],
    )
    def test_a_taken_username_or_email_is_refused_whatever_the_case(
        self, world, username, email, field
    ):
        with refused(Conflict, r"taken|exists", field=field):
            actions.add_member(world.workspace, User(username=username, email=email), Role.MEMBER,
                               actor=None)  # fmt: skip

    def test_an_existing_member_is_refused(self, world):
        with refused(Conflict, "already a member", field="user"):
            actions.add_member(world.workspace, world.user("member"), Role.VIEWER, actor=None)


class TestRemoveMember:
    def test_it_removes_the_membership_and_revokes_its_tokens_here_only(self, world):
        here, _ = actions.create_token(world.member, actor=None)
        elsewhere = MembershipFactory(user=world.user("member"), workspace=world.other)
        there, _ = actions.create_token(elsewhere, actor=None)
        Event.objects.all().delete()
        actions.remove_member(world.member, actor=world.user("admin"), via="web")
        assert not Membership.objects.filter(pk=world.member.pk).exists()
        assert ApiToken.objects.get(pk=here.pk).revoked_at is not None
        assert ApiToken.objects.get(pk=there.pk).revoked_at is None
        event = the_event(
            verb="removed",
            subject_type="membership",
            changes={"user": "max", "role": "member"},
            summary="max",
        )
        assert (event.actor, event.via) == (world.user("admin"), "web")

    def test_the_last_admin_stays(self, world):
        with refused(Conflict, "at least one admin", field="role"):
            actions.remove_member(world.admin, actor=None)


class TestInvite:
    def test_it_attaches_the_account_the_login_names_and_records_it(self, world):
        invitation = actions.invite(
            world.workspace, "  Sam@Example.com ", Role.VIEWER, actor=world.user("admin"),
            via="web",
        )  # fmt: skip
        stored = Invitation.objects.get()
        assert stored == invitation
        assert (stored.login, stored.role, stored.user, stored.state) == (
            "sam@example.com",
            "viewer",
            world.user("stranger"),
            "pending",
        )
        event = the_event(
            verb="invited",
            subject_type="invitation",
            changes={"login": "sam@example.com", "role": "viewer"},
            summary="sam@example.com as viewer",
        )
        assert (event.actor, event.via) == (world.user("admin"), "web")

    def test_a_login_no_account_has_is_invited_unattached(self, world):
        assert actions.invite(world.workspace, "nobody", Role.MEMBER, actor=None).user is None

    @pytest.mark.parametrize(
        ("login", "error_type", "message"),
        [
            ("   ", Invalid, "give a username"),
            ("x" * 255, Invalid, "at most 254"),
            ("MAX", Conflict, "max is already a member"),
            ("max@example.com", Conflict, "already a member"),
            ("pending", Conflict, "pending is already invited"),
        ],
    )
    def test_it_refuses_members_second_invitations_and_bad_logins(
        self, world, login, error_type, message
    ):
        pending(world, "pending")
        with refused(error_type, message, field="login"):
            actions.invite(world.workspace, login, Role.MEMBER, actor=None)


class TestAnswerInvitation:
    def test_accepting_joins_with_the_offered_role_and_records_it(self, world):
        invitation = pending(world, "sam", world.user("stranger"))
        membership = actions.answer_invitation(
            invitation.pk, world.user("stranger"), accept=True, via="web"
        )
        assert membership is not None
        assert (membership.workspace, membership.role) == (world.workspace, "member")
        stored = Invitation.objects.get()
        assert (stored.state, stored.answered_at is not None) == ("accepted", True)
        the_event(
            verb="joined",
            changes={"user": "sam", "role": "member"},
            actor=world.user("stranger"),
            via="web",
        )

    def test_declining_attaches_nothing_and_records_it(self, world):
        invitation = pending(world, "sam", world.user("stranger"))
        assert (
            actions.answer_invitation(invitation.pk, world.user("stranger"), accept=False) is None
        )
        assert Invitation.objects.get().state == "declined"
        assert not Membership.objects.filter(user=world.user("stranger"), workspace=world.workspace)
        the_event(
            verb="declined", subject_type="invitation", summary="sam", actor=world.user("stranger")
        )

    @pytest.mark.parametrize("whose", ["someone_else", "answered", "out_of_range"])
    def test_an_invitation_that_is_not_theirs_to_answer_is_not_found(self, world, whose):
        invitation = pending(world, "sam", world.user("stranger"))
        invitation_id, user = invitation.pk, world.user("stranger")
        if whose == "someone_else":
            user = world.user("viewer")
        elif whose == "answered":
            Invitation.objects.filter(pk=invitation.pk).update(state="revoked")
        else:
            invitation_id = 2**62
        with refused(NotFound, "Invitation not found"):
            actions.answer_invitation(invitation_id, user, accept=True)

    def test_accepting_when_already_a_member_is_refused(self, world):
        invitation = pending(world, "max", world.user("member"))
        with refused(Conflict, "already a member of Acme"):
            actions.answer_invitation(invitation.pk, world.user("member"), accept=True)


class TestRevokeInvitation:
    def test_it_withdraws_a_pending_one_and_records_it(self, world):
        invitation = pending(world, "nobody")
        actions.revoke_invitation(invitation, actor=world.user("admin"), via="web")
        assert Invitation.objects.get().state == "revoked"
        the_event(
            verb="revoked",
            subject_type="invitation",
            summary="nobody",
            actor=world.user("admin"),
            via="web",
        )

    def test_an_answered_one_stays_as_it_is(self, world):
        invitation = pending(world, "nobody")
        Invitation.objects.filter(pk=invitation.pk).update(state="declined")
        with refused(Conflict, "already declined"):
            actions.revoke_invitation(invitation, actor=None)


class TestCreateWorkspace:
    @pytest.fixture
    def operator(self, db):
        return UserFactory(username="root", is_staff=True)

    def new(self, user, **fields):
        given = {
            "name": "Initech", "timezone_name": "Europe/Paris", "cycle_name": "Q1 2026",
            "cycle_start": date(2026, 1, 1), "cycle_end": date(2026, 3, 31),
        } | fields  # fmt: skip
        return actions.create_workspace(user, via="web", **given)

    def test_it_opens_the_first_cycle_and_makes_the_creator_its_admin(self, operator, mid_quarter):
        membership = self.new(operator)
        workspace = Workspace.objects.get(key="initech")
        assert (membership.workspace, membership.role, workspace.timezone) == (
            workspace,
            "admin",
            "Europe/Paris",
        )
        cycle = Cycle.objects.get(workspace=workspace)
        assert (cycle.key, cycle.state, cycle.end) == ("q1-2026", "active", date(2026, 3, 31))
        joined, created = Event.objects.order_by("id")
        assert (joined.verb, joined.changes) == ("joined", {"user": "root", "role": "admin"})
        assert (created.verb, created.subject_type, created.subject_key) == (
            "created",
            "cycle",
            "q1-2026",
        )
        assert {e.actor for e in (joined, created)} == {operator}
        assert {e.via for e in (joined, created)} == {"web"}

    def test_a_cycle_that_starts_later_is_planned(self, operator, mid_quarter):
        self.new(operator, cycle_start=date(2026, 4, 1), cycle_end=date(2026, 6, 30))
        assert Cycle.objects.get().state == "planning"

    def test_a_plain_user_is_refused_unless_the_instance_allows_it(self, db, settings):
        user = UserFactory(username="pat")
        with refused(Forbidden, "staff"):
            self.new(user)
        settings.ANYONE_CREATES_WORKSPACES = True
        assert self.new(user).role == "admin"

    @pytest.mark.parametrize(
        ("fields", "field", "message"),
        [
            ({"name": "  "}, "name", "give the workspace a name"),
            ({"name": "x" * 201}, "name", "at most 200"),
            ({"timezone_name": "Mars/Olympus"}, "timezone", "unknown time zone"),
            ({"cycle_name": ""}, "cycle_name", "give the first cycle a name"),
            ({"cycle_name": "x" * 201}, "cycle_name", "at most 200"),
            ({"cycle_end": date(2025, 12, 31)}, "cycle_end", "on or after the start"),
            ({"cycle_start": date(1999, 1, 1)}, "start", "between 2000-01-01"),
        ],
    )
    def test_bad_fields_are_refused_by_name(self, operator, fields, field, message):
        with refused(Invalid, message, field=field):
            self.new(operator, **fields)


class TestTokens:
    def test_a_token_is_stored_as_a_digest_and_its_creation_recorded(self, world, mid_quarter):
        _, raw = actions.create_token(
            world.member, actor=world.admin, name="ci", expires_in_days=30, via="web"
        )
        stored = ApiToken.objects.get()
        assert raw.startswith("hw_")
        assert (stored.digest, stored.prefix, stored.user) == (
            hash_token(raw),
            raw[:10],
            world.user("member"),
        )
        assert stored.expires_at == datetime(2026, 3, 17, 12, tzinfo=UTC)
        event = the_event(
            verb="created",
            subject_type="apitoken",
            changes={"user": "max", "name": "ci", "prefix": raw[:10]},
        )
        assert (event.actor, event.via, event.summary) == (
            world.user("admin"),
            "web",
            f"API token {raw[:10]}… for max",
        )

    @pytest.mark.parametrize("days", [0, -1])
    def test_an_expiry_under_a_day_is_refused(self, world, days):
        with refused(Invalid, "at least 1 day", field="expires"):
            actions.create_token(world.member, actor=None, expires_in_days=days)

    def test_revoking_records_once_and_twice_is_harmless(self, world):
        token, _ = actions.create_token(world.member, actor=None)
        actions.revoke_token(token, actor=world.member, via="api")
        assert ApiToken.objects.get().revoked_at is not None
        event = Event.objects.latest("id")
        assert (event.verb, event.subject_type, event.actor, event.via) == (
            "revoked",
            "apitoken",
            world.user("member"),
            "api",
        )
        with nothing_changes():
            actions.revoke_token(token, actor=world.member)

    def test_a_token_is_found_by_its_prefix_or_itself_in_its_workspace_only(self, world):
        token, raw = actions.create_token(world.member, actor=None)
        assert tokens.find_token(world.admin, raw) == token
        assert tokens.find_token(world.admin, token.prefix) == token
        with pytest.raises(NotFound, match="Token"):
            tokens.find_token(world.stranger, raw)

    def test_an_ambiguous_prefix_is_refused(self, world):
        first, _ = actions.create_token(world.member, actor=None)
        second, _ = actions.create_token(world.admin, actor=None)
        ApiToken.objects.filter(pk=second.pk).update(prefix=first.prefix)
        with pytest.raises(Conflict, match="several tokens") as error:
            tokens.find_token(world.admin, first.prefix)
        assert error.value.field == "token"

    def test_its_use_is_noted_at_most_once_a_minute_without_an_event(self, world):
        token, _ = actions.create_token(world.member, actor=None)
        noon = datetime(2026, 2, 15, 12, tzinfo=UTC)
        events = Event.objects.count()
        tokens.note_use(token, noon)
        tokens.note_use(token, noon + timedelta(seconds=59))
        assert ApiToken.objects.get().last_used_at == noon
        tokens.note_use(token, noon + timedelta(minutes=2))
        assert ApiToken.objects.get().last_used_at == noon + timedelta(minutes=2)
        assert Event.objects.count() == events
