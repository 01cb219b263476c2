"""Benchmarks (`make bench`): each compares Headway with a baseline measured in the same run."""

import json
import os
import subprocess
import sys
from typing import Any


def run_child(args: list[str], database_url: str, data_dir: str) -> dict[str, Any]:
    """Run `python -m bench ARGS` on a fresh database; answer the JSON its last line prints."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "HEADWAY_DATA_DIR": data_dir,
        "HEADWAY_SECURE": "false",
        "HEADWAY_DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": "headway.settings",
    }
    command = [sys.executable, "-m", "bench", *args]
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]
