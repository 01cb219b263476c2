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
# The everyday loop (a plain `pytest`, which leaves the slow tests out) draws a quarter of the
# examples of each property; `make unit` and CI (`-m "not e2e"`) draw hypothesis' full 100.
hypothesis_settings.register_profile("everyday", max_examples=25)


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("CI"):
        hypothesis_settings.load_profile("ci")
    elif config.getoption("hypothesis_profile", None) is None and "not slow" in (
        config.option.markexpr or ""
    ):
        hypothesis_settings.load_profile("everyday")


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
