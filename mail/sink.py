"""The development mail sink: a real SMTP server (aiosmtpd) that keeps every mail it is given
as a file in a directory instead of passing it on, so that a developer, and the tests, read
what the portal sends. `make run` starts it (Procfile `mail`); the portal's development page
/dev/mail lists what it caught. Production sets EEC_SMTP_URL to a real relay and runs no sink.

    python -m mail.sink --port 8025 --dir var/mail
"""

from __future__ import annotations

import argparse
import os
import signal
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

SUFFIX = ".eml"


class KeepInDirectory:
    """aiosmtpd handler: each mail a file, written under a temporary name and renamed, so a
    reader never sees half a mail."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = envelope.original_content or envelope.content
        data = content if isinstance(content, bytes) else str(content).encode()
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        name = f"{stamp}-{uuid.uuid4().hex[:8]}"
        partial = self.directory / f".{name}.part"
        partial.write_bytes(data)
        os.replace(partial, self.directory / f"{name}{SUFFIX}")
        # One line a mail, so `docker compose logs mail` shows what was caught.
        print(f"caught {name}{SUFFIX} for {', '.join(envelope.rcpt_tos)}", flush=True)
        return "250 Message accepted for delivery"


def serve(host: str, port: int, directory: Path) -> Controller:
    """Starts the server on its own thread; `controller.stop()` ends it."""
    controller = Controller(KeepInDirectory(directory), hostname=host, port=port)
    controller.start()
    return controller


@dataclass(frozen=True)
class CaughtMail:
    name: str  # the file's name, without its suffix
    to: str
    sender: str
    subject: str
    message_id: str
    sent_at: datetime | None
    lang: str
    body: str


def read(path: Path) -> CaughtMail:
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    part = message.get_body(preferencelist=("plain",))
    body = part.get_content().replace("\r\n", "\n") if part is not None else ""
    try:
        sent_at = parsedate_to_datetime(str(message["Date"])) if message["Date"] else None
    except (TypeError, ValueError):
        sent_at = None
    return CaughtMail(name=path.stem, to=str(message["To"] or ""),
                      sender=str(message["From"] or ""), subject=str(message["Subject"] or ""),
                      message_id=str(message["Message-ID"] or ""), sent_at=sent_at,
                      lang=str(message["Content-Language"] or ""), body=body)


def caught(directory: Path, limit: int = 100) -> list[CaughtMail]:
    """The mails the sink kept, newest first."""
    if not directory.is_dir():
        return []
    files = sorted(directory.glob(f"*{SUFFIX}"), reverse=True)[:limit]
    return [read(path) for path in files]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--dir", type=Path, required=True)
    args = parser.parse_args(argv)
    stopped = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopped.set())
    controller = serve(args.host, args.port, args.dir)
    print(f"mail sink on smtp://{args.host}:{args.port}, keeping mail in {args.dir}", flush=True)
    try:
        stopped.wait()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
