"""The chatbot's tests run from the portal's Python (3.11) and call into the chatbot's own
environment (.venv-rasa, Python 3.10) as subprocesses, so the real Rasa is what is tested.
`make test` builds that environment and the model first; nothing here is skipped."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHATBOT = ROOT / "chatbot"
RASA_BIN = ROOT / ".venv-rasa" / "bin"
RASA_PYTHON = RASA_BIN / "python"

# The tests under rasa_env/ import rasa_sdk: they run inside .venv-rasa (test_chatbot_actions).
collect_ignore = ["rasa_env"]


def rasa_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHAINLP_DATA_DIR"}
    env.update(PYTHAINLP_DATA=str(ROOT / "var" / "pythainlp"), RASA_TELEMETRY_ENABLED="false",
               TF_CPP_MIN_LOG_LEVEL="2", PYTHONUNBUFFERED="1",
               RASA_CACHE_DIRECTORY=str(ROOT / "var" / "rasa-cache"))
    return env


def run_in_rasa_env(*command: str, timeout: float = 900, cwd: Path = CHATBOT,
                    env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Runs .venv-rasa/bin/<command[0]> with the chatbot's environment, from chatbot/."""
    program = str(RASA_BIN / command[0])
    return subprocess.run([program, *command[1:]], cwd=cwd, env=env or rasa_env(),
                          capture_output=True, text=True, timeout=timeout)


def tail(result: subprocess.CompletedProcess[str], lines: int = 60) -> str:
    return "\n".join((result.stdout + "\n" + result.stderr).splitlines()[-lines:])


@pytest.fixture(scope="session")
def rasa_installed() -> Path:
    if not RASA_PYTHON.exists():  # `make test` installs it; a bare pytest run gets it here
        subprocess.run(["make", "rasa-env"], cwd=ROOT, check=True)
    return RASA_PYTHON


@pytest.fixture(scope="session")
def chatbot_model(rasa_installed) -> Path:
    """The trained model, trained only if config, domain, data or tokenizer changed."""
    result = subprocess.run([str(RASA_PYTHON), "train_if_changed.py"], cwd=CHATBOT,
                            env=rasa_env(), capture_output=True, text=True, timeout=1800)
    sys.stdout.write(result.stdout)
    assert result.returncode == 0, tail(result)
    models = sorted((CHATBOT / "models").glob("assistant-*.tar.gz"))
    assert len(models) == 1, models
    return models[0]
