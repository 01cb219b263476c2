"""Fixtures of the webhooks tests: a webhook of the world's workspace, events to send."""

from __future__ import annotations

from typing import Any

import pytest

from headway.webhooks.actions import create_webhook


@pytest.fixture
def allow_private(settings: Any) -> None:
    """Let webhooks reach the tests' receiver on 127.0.0.1."""
    settings.HEADWAY_WEBHOOK_ALLOW_PRIVATE = True


@pytest.fixture
def hook_for(world: Any, allow_private: None) -> Any:
    def make(url: str, events: list[str] | None = None, format: str = "standard") -> Any:
        return create_webhook(
            world.workspace,
            actor=world.admin.user,
            url=url,
            events=events or ["*"],
            format=format,
        )

    return make
