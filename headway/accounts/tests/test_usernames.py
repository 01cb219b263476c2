"""A username that could pass for another (olivia with a Cyrillic o) is refused everywhere."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from headway.accounts.models import User
from headway.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOOKALIKE = "\u043elivia"  # Cyrillic o, then Latin letters


def test_the_settings_page_refuses_it_and_creates_nothing(world):
    UserFactory(username="olivia")
    client = Client()
    client.force_login(world.user("admin"))
    response = client.post(
        "/settings/members/new/",
        {"new-username": LOOKALIKE, "new-email": "o@example.com", "new-role": "member",
         "new-password": "a long and unusual passphrase"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "mixes Cyrillic and Latin letters" in response.content.decode()
    assert not User.objects.filter(username=LOOKALIKE).exists()


def test_createsuperuser_refuses_it():
    with pytest.raises(CommandError, match="mixes Cyrillic and Latin"):
        call_command(
            "createsuperuser", username=LOOKALIKE, email="o@example.com", interactive=False
        )
    assert not User.objects.exists()


def test_the_model_refuses_it_on_validation():
    user = User(username=LOOKALIKE, email="o@example.com")
    user.set_unusable_password()
    with pytest.raises(ValidationError) as refused:
        user.full_clean()
    assert "username" in refused.value.message_dict
