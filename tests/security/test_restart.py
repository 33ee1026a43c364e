"""A stopped stack starts again whole: `make run` (python -m web.launch) stopped with SIGTERM, as
a service manager or `kill` stops it, leaves no process behind, and the next start delivers a
submitted application to Biz Portal. Before, SIGTERM left the embedded Redis running and the next
start handed every process a Redis port nothing listened on: no application was delivered.

The launcher runs as a new developer runs it (no configuration, no secret), on a var/ of its own
and free ports, without the assistant (EEC_CHATBOT_ENABLED=false: Rasa takes 40 s and 1.5 GB);
the chat then says the assistant is not available."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from tests.conftest import ROOT, Browser, submitted_application
from tests.stack import free_port, wait_until

START_LIMIT_S = 180  # the launcher's own limit is 120 s; two busy cores, six test suites
STOP_LIMIT_S = 60
DELIVERY_LIMIT_S = 90
READY = "EEC Business One-Stop is ready at"
DELIVERED = ("registered", "eec_review", "with_eec_oss", "info_requested", "approved")


def launcher_env(var_dir: Path, **settings: str) -> dict[str, str]:
    """A developer's shell with none of the portal's settings, plus `settings`."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("EEC_", "BIZPORTAL_SANDBOX_", "OSS_SANDBOX_"))
           and k not in ("DATABASE_URL", "REDIS_URL")}
    return {**env, "EEC_ENVIRONMENT": "development", "EEC_VAR_DIR": str(var_dir), **settings}


def processes_of(var_dir: Path) -> list[psutil.Process]:
    """Every process started for this var/: each inherits EEC_VAR_DIR, Redis included."""
    found = []
    for proc in psutil.process_iter():
        try:
            if proc.environ().get("EEC_VAR_DIR") == str(var_dir) and proc.status() != "zombie":
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            pass
    return found


class Launcher:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "web.launch"], cwd=ROOT,
                                         env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        offset = self.log.stat().st_size if self.log.exists() else 0
        deadline = time.monotonic() + START_LIMIT_S
        while READY not in self.output()[offset:]:
            assert self.proc.poll() is None, f"the launcher stopped:\n{self.output()[-4000:]}"
            assert time.monotonic() < deadline, f"not ready:\n{self.output()[-4000:]}"
            time.sleep(0.5)

    def sigterm(self) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)  # to the launcher alone, as `kill` does
        return self.proc.wait(STOP_LIMIT_S)

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@pytest.fixture
def launcher(tmp_path) -> Iterator[Launcher]:
    var_dir = tmp_path / "var"
    ports = {name: free_port() for name in ("web", "bizportal", "oss", "rasa")}
    env = launcher_env(
        var_dir, EEC_PORT=str(ports["web"]), EEC_CHATBOT_ENABLED="false",
        EEC_BIZPORTAL_URL=f"http://127.0.0.1:{ports['bizportal']}",
        EEC_EEC_OSS_URL=f"http://127.0.0.1:{ports['oss']}",
        EEC_RASA_URL=f"http://127.0.0.1:{ports['rasa']}",  # nothing listens: no assistant
        EEC_RELAY_INTERVAL_S="0.2", EEC_FEED_POLL_INTERVAL_S="0",
        BIZPORTAL_SANDBOX_DECISION_DELAY_S="0.2")
    launcher = Launcher(env, tmp_path / "launcher.log")
    try:
        yield launcher
    finally:
        if launcher.proc is not None and launcher.proc.poll() is None:
            launcher.proc.kill()
            launcher.proc.wait()
        for proc in processes_of(var_dir):  # what this test started and a failure left
            proc.kill()


def test_a_stack_stopped_with_sigterm_starts_again_and_delivers(launcher, tmp_path):
    var_dir = tmp_path / "var"
    launcher.start()
    assert processes_of(var_dir), "the test cannot see the stack's processes"
    assert launcher.sigterm() == 0
    wait_until(lambda: not processes_of(var_dir), 15, "every process of the stack to end")
    assert not processes_of(var_dir)

    launcher.start()
    portal = launcher.output().split(READY)[-1].split()[0].rstrip("/")
    with httpx.Client(base_url=portal, timeout=30) as client:
        browser = Browser(client)
        app_id = submitted_application(browser)

        def delivered() -> bool:
            with sqlite3.connect(var_dir / "eec.db", timeout=10) as db:
                row = db.execute("SELECT status FROM cases WHERE application_id = ?",
                                 (app_id,)).fetchone()
            return row is not None and row[0] in DELIVERED

        try:
            wait_until(delivered, DELIVERY_LIMIT_S, "the application registered by Biz Portal")
        except TimeoutError:
            pytest.fail(f"not delivered; the stack said:\n{launcher.output()[-6000:]}")
        bizportal = launcher.env["EEC_BIZPORTAL_URL"]
        assert httpx.get(f"{bizportal}/_sandbox/stats").json()["unique_submissions"] == 1

        # Without the assistant the chat says so, in the user's language, never a 500.
        chat = browser.post("/chat/send", {"message": "Hello"})
        assert chat.status_code == 503
        assert "The assistant is not available right now" in chat.text

    # Killed outright (SIGKILL, the OOM killer), the launcher still takes its processes along.
    assert launcher.proc is not None
    launcher.proc.kill()
    launcher.proc.wait(STOP_LIMIT_S)
    wait_until(lambda: not processes_of(var_dir), 30, "every process of the stack to end")


def test_the_launcher_says_what_is_missing_instead_of_printing_a_url(tmp_path):
    taken = free_port()
    nothing = free_port()
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", taken))
        listener.listen()
        for settings, expected in (
                ({"EEC_PORT": str(taken)}, f"port {taken} (the portal) is already in use"),
                ({"EEC_PORT": str(free_port()), "REDIS_URL": f"redis://127.0.0.1:{nothing}/0"},
                 f"Redis does not answer at redis://127.0.0.1:{nothing}/0")):
            env = launcher_env(tmp_path / "var", EEC_CHATBOT_ENABLED="false",
                               EEC_BIZPORTAL_URL=f"http://127.0.0.1:{free_port()}",
                               EEC_EEC_OSS_URL=f"http://127.0.0.1:{free_port()}", **settings)
            done = subprocess.run([sys.executable, "-m", "web.launch"], cwd=ROOT, env=env,
                                  capture_output=True, text=True, timeout=60)
            assert done.returncode == 1
            assert expected in done.stderr and READY not in done.stdout
    assert not processes_of(tmp_path / "var")
