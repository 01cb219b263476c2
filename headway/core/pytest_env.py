"""Loaded by pytest (`-p headway.core.pytest_env`) before Django reads its settings.

Tests talk plain http to the test client, so the production defaults that need TLS
(secure cookies, HTTPS redirect) are turned off unless the environment says otherwise.
"""

import os

os.environ.setdefault("HEADWAY_SECURE", "false")
os.environ.setdefault("HEADWAY_MANIFEST_STATIC", "false")
