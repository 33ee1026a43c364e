"""Train the assistant only when its inputs changed.

    .venv-rasa/bin/python chatbot/train_if_changed.py [--force]

The fingerprint is a SHA-256 over config.yml, endpoints.yml, domain/, data/, components/ (the
tokenizer and its keep-list) and the Rasa version. The model is written as
models/assistant-<fingerprint>.tar.gz; when that file exists, training is skipped. Older models
are removed, so `rasa run -m models` always loads the current one. Prints progress while
training (a cold run takes about two minutes on two cores); the full log goes to
var/chatbot-train.log.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
MODELS = HERE / "models"
LOG = PROJECT / "var" / "chatbot-train.log"
# actions/validators.py is imported by the GibberishGuard component.
INPUTS = ("config.yml", "endpoints.yml", "domain", "domain.yml", "data", "components",
          "actions/validators.py")
SUFFIXES = {".yml", ".yaml", ".py", ".txt"}
PROGRESS_MARKS = ("Starting to train component", "Epochs:", "Your Rasa model is trained",
                  "Finished training component")


def input_files() -> list[Path]:
    files: list[Path] = []
    for name in INPUTS:
        path = HERE / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files += [p for p in path.rglob("*") if p.is_file() and p.suffix in SUFFIXES
                      and "__pycache__" not in p.parts]
    return sorted(files)


def fingerprint() -> str:
    digest = hashlib.sha256()
    try:
        from importlib.metadata import version

        digest.update(f"rasa {version('rasa')}\n".encode())
    except Exception:  # noqa: BLE001 - a missing Rasa fails later, with a clearer message
        pass
    for path in input_files():
        digest.update(str(path.relative_to(HERE)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


def model_path(print_: str | None = None) -> Path:
    return MODELS / f"assistant-{print_ or fingerprint()}.tar.gz"


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("PYTHAINLP_DATA", str(PROJECT / "var" / "pythainlp"))
    env.pop("PYTHAINLP_DATA_DIR", None)  # pythainlp 5 refuses both at once
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # Rasa caches trained components (a warm retrain takes half the time); keep them in var/.
    env.setdefault("RASA_CACHE_DIRECTORY", str(PROJECT / "var" / "rasa-cache"))
    Path(env["PYTHAINLP_DATA"]).mkdir(parents=True, exist_ok=True)
    return env


def train(target: Path) -> int:
    rasa = Path(sys.executable).with_name("rasa")
    domain = "domain" if (HERE / "domain").is_dir() else "domain.yml"
    command = [str(rasa), "train", "--config", "config.yml", "--domain", domain,
               "--data", "data", "--out", str(MODELS), "--fixed-model-name", target.name[:-7]]
    LOG.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    print(f"chatbot: training {target.name} (a cold run takes about 2 minutes); "
          f"log: {LOG.relative_to(PROJECT)}", flush=True)
    with open(LOG, "w", encoding="utf-8") as log:
        process = subprocess.Popen(command, cwd=HERE, env=environment(), stdout=log,
                                   stderr=subprocess.STDOUT)
        last_report = 0.0
        while process.poll() is None:
            time.sleep(1)
            elapsed = time.monotonic() - started
            if elapsed - last_report >= 10:
                last_report = elapsed
                print(f"chatbot: {elapsed:5.0f} s  {last_progress_line()}", flush=True)
    elapsed = time.monotonic() - started
    if process.returncode != 0 or not target.exists():
        print(f"chatbot: training FAILED after {elapsed:.0f} s; the end of the log:", flush=True)
        print("\n".join(LOG.read_text(encoding="utf-8", errors="replace").splitlines()[-40:]))
        return process.returncode or 1
    print(f"chatbot: trained {target.relative_to(PROJECT)} in {elapsed:.0f} s", flush=True)
    return 0


def last_progress_line() -> str:
    try:
        text = LOG.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    # tqdm redraws with carriage returns; take the newest fragment that says something.
    for line in reversed(text.replace("\r", "\n").splitlines()):
        if any(mark in line for mark in PROGRESS_MARKS):
            return line.strip()[-110:]
    return ""


def prune(keep: Path) -> None:
    for old in MODELS.glob("*.tar.gz"):
        if old != keep:
            old.unlink()


def main(argv: list[str]) -> int:
    target = model_path()
    if target.exists() and "--force" not in argv:
        print(f"chatbot: model up to date ({target.relative_to(PROJECT)})", flush=True)
        prune(target)
        return 0
    MODELS.mkdir(parents=True, exist_ok=True)
    code = train(target)
    if code == 0:
        prune(target)
    return code


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
