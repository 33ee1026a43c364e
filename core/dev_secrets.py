"""Development secrets: random values made on the first start and kept in var/secrets.json
(mode 0600), so a fresh checkout runs with no configuration and no secret of the running app is
one that appears in the repository. Production never reads this file: it must be configured."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

FILE_NAME = "secrets.json"
# The Settings fields that hold secrets; each process of the stack gets the same values.
SECRET_FIELDS = ("secret_key", "bizportal_api_key", "bizportal_webhook_secret",
                 "eec_oss_client_secret", "eec_oss_webhook_secret", "chatbot_service_token",
                 "rasa_channel_token", "open311_api_keys")


def env_name(field: str) -> str:
    return f"EEC_{field.upper()}"


def new_secret() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


def _read(path: Path) -> dict[str, str]:
    values = json.loads(path.read_text(encoding="utf-8"))
    return {k: v for k, v in values.items() if isinstance(v, str) and v}


def _write_new(path: Path, values: dict[str, str]) -> None:
    """Writes a 0600 file beside `path`, then links it into place: `path` appears whole and
    only once, even when several processes of the stack start at the same moment."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(values, f, indent=2)
            f.write("\n")
        if path.exists():
            os.replace(tmp, path)  # adding fields to an older file
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass  # another process was first; its values win
    finally:
        tmp.unlink(missing_ok=True)


def load_or_create(var_dir: Path) -> dict[str, str]:
    """Every development secret, from `var_dir`/secrets.json, made there on first use."""
    var_dir.mkdir(parents=True, exist_ok=True)
    path = var_dir / FILE_NAME
    values = _read(path) if path.exists() else {}
    missing = [name for name in SECRET_FIELDS if name not in values]
    if missing:
        _write_new(path, {**values, **{name: new_secret() for name in missing}})
        values = _read(path)
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)  # copied or restored with a looser mode: only its owner may read it
    return values
