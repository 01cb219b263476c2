"""Root pytest configuration: shared fixtures live in each app's tests/fixtures.py."""

import os
from collections.abc import Iterator

import pytest
from django.test import override_settings
from hypothesis import settings as hypothesis_settings

pytest_plugins = ["headway.core.tests.fixtures", "headway.core.tests.api_fixtures"]

# In CI, property tests and the schema fuzzer draw the same examples on every run, so a
# submission is judged on its code, not on the luck of the draw; on developers' machines they
# explore new examples each run (and hypothesis remembers failures in .hypothesis/).
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture(autouse=True, scope="session")
def _test_settings() -> Iterator[None]:
    """Settings for speed, set once for the whole run.

    PBKDF2 is slow on purpose; tests only need a hasher that works. WhiteNoise, unless it
    refreshes, lists and stats every static file each time its middleware is built, which is
    once per test client: about 70 ms a client, more than most tests take. Refreshing, it looks
    a file up when one is asked for (as under `runserver`), and serves it the same way.
    """
    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        WHITENOISE_AUTOREFRESH=True,
    ):
        yield
