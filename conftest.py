"""Root pytest configuration: shared fixtures live in each app's tests/fixtures.py."""

import os

import pytest
from hypothesis import settings as hypothesis_settings

pytest_plugins = ["headway.core.tests.fixtures", "headway.core.tests.api_fixtures"]

# In CI, property tests and the schema fuzzer draw the same examples on every run, so a
# submission is judged on its code, not on the luck of the draw; on developers' machines they
# explore new examples each run (and hypothesis remembers failures in .hypothesis/).
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 is slow on purpose; tests only need a hasher that works."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
