"""Root pytest configuration: shared fixtures live in each app's tests/fixtures.py."""

import pytest

pytest_plugins = ["headway.core.tests.fixtures", "headway.core.tests.api_fixtures"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 is slow on purpose; tests only need a hasher that works."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
