"""Production settings pass Django's deployment checklist; bad environment values fail loudly."""

import os
import subprocess
import sys

import pytest

from headway.settings import envbool


def headway(*args, **env):
    return subprocess.run(
        [sys.executable, "-m", "headway", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.slow  # starts `headway` in a new process: several seconds
def test_check_deploy_is_clean_in_production_settings(tmp_path):
    result = headway(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        HEADWAY_SECURE="true",
        HEADWAY_DEBUG="false",
        HEADWAY_DATA_DIR=str(tmp_path),
        HEADWAY_ALLOWED_HOSTS="okr.example.com",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-key-0123456789",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow  # starts `headway` twice in new processes
def test_a_secret_key_is_generated_once_and_kept_in_the_data_dir(tmp_path):
    env = {"HEADWAY_DATA_DIR": str(tmp_path), "SECRET_KEY": ""}
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = headway("shell", "--no-imports", "-c", code, **env).stdout.strip()
    second = headway("shell", "--no-imports", "-c", code, **env).stdout.strip()
    assert len(first) >= 50
    assert first == second
    assert (tmp_path / "secret_key").read_text().strip() == first


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("0", False), ("", True)])
def test_envbool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("HEADWAY_X", raw)
    assert envbool("HEADWAY_X", True) is expected


def test_envbool_rejects_anything_else(monkeypatch):
    monkeypatch.setenv("HEADWAY_X", "maybe")
    with pytest.raises(ValueError, match="HEADWAY_X"):
        envbool("HEADWAY_X", False)
