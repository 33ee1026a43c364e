"""`make run` tells Rasa (chatbot/endpoints.yml) where the action server is and where to keep
conversations, from the portal's settings: a SQLite file beside the portal's, or the
portal's PostgreSQL database through Rasa's own driver; the lock store on the portal's Redis.
The stores themselves are tested live in tests/chatbot/test_chatbot_stores.py."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from core.settings import ROOT, Settings
from web.console import console_lines
from web.launch import announce_assistant, assistant_env, free_port, stack_env, tracker_store_url


def settings(**values: str) -> Settings:
    return Settings(secret_key="x" * 32, **values)  # type: ignore[arg-type]


def test_every_variable_of_the_endpoints_file_is_set_from_the_settings(tmp_path):
    wanted = set(re.findall(r"\$\{(\w+)\}", (ROOT / "chatbot" / "endpoints.yml").read_text()))
    env = assistant_env(settings(var_dir=str(tmp_path)), "redis://127.0.0.1:6379/0")
    assert wanted == set(env)
    assert "--endpoints endpoints.yml" in (ROOT / "Procfile").read_text()


def test_sqlite_conversations_go_to_a_file_beside_the_portals(tmp_path):
    portal = tmp_path / "data" / "eec.db"
    url = tracker_store_url(settings(database_url=f"sqlite:///{portal}"))
    assert url == f"sqlite:///{portal.with_name('assistant.db')}"
    # A relative portal path is made absolute: Rasa runs from chatbot/.
    relative = tracker_store_url(settings(database_url="sqlite:///var/eec.db"))
    assert Path(make_url(relative).database).is_absolute()


def test_postgresql_conversations_go_to_the_portals_database_through_psycopg2():
    url = tracker_store_url(settings(
        database_url="postgresql+psycopg://eec:p%40ss%2Fword@db.internal:5433/eec"))
    parsed = make_url(url)
    assert parsed.drivername == "postgresql+psycopg2"
    assert (parsed.username, parsed.password, parsed.host, parsed.port, parsed.database) == (
        "eec", "p@ss/word", "db.internal", 5433, "eec")


def test_the_lock_store_and_the_action_server_follow_the_settings(tmp_path):
    env = assistant_env(settings(var_dir=str(tmp_path), rasa_actions_url="http://127.0.0.1:6055/"),
                        "redis://:s%3Acret@10.0.0.7:6380/4")
    assert env["EEC_RASA_ACTIONS_URL"] == "http://127.0.0.1:6055"
    assert (env["EEC_RASA_LOCK_STORE_HOST"], env["EEC_RASA_LOCK_STORE_PORT"],
            env["EEC_RASA_LOCK_STORE_DB"], env["EEC_RASA_LOCK_STORE_PASSWORD"]) == (
        "10.0.0.7", "6380", "4", "s:cret")
    no_password = assistant_env(settings(var_dir=str(tmp_path)), "redis://127.0.0.1:6379")
    assert no_password["EEC_RASA_LOCK_STORE_PASSWORD"] == ""
    assert no_password["EEC_RASA_LOCK_STORE_DB"] == "0"


def test_the_mail_sink_listens_where_the_portal_sends_mail_and_only_for_a_local_server(
        tmp_path):
    """`make run` starts the development mail sink (Procfile `mail`) on the port of the
    portal's SMTP setting, keeping mail where /dev/mail reads it; with a real relay
    configured it starts none."""
    from web.launch import sink_wanted, stack_env

    local = settings(var_dir=str(tmp_path), smtp_url="smtp://127.0.0.1:2525")
    env = stack_env(local, "http://127.0.0.1:8000/")
    assert sink_wanted(local)
    assert env["EEC_MAIL_SINK_PORT"] == "2525"
    assert env["EEC_MAIL_SINK_DIR"] == str(local.mail_sink_dir) == str(tmp_path / "mail")
    procfile = (ROOT / "Procfile").read_text()
    mail_line = next(line for line in procfile.splitlines() if line.startswith("mail:"))
    assert "-m mail.sink" in mail_line and "${EEC_MAIL_SINK_PORT" in mail_line
    assert "${EEC_MAIL_SINK_DIR" in mail_line
    assert not sink_wanted(settings(var_dir=str(tmp_path),
                                    smtp_url="smtps://user:pw@smtp.example.org:465"))


# --- The console (issue 14) -------------------------------------------------------------------

TENSORFLOW_START = [
    "23:40:02 rasa.1     | 2026-12-07 23:40:02.118532: I tensorflow/core/util/port.cc:113] "
    "oneDNN custom operations are on. You may see slightly different numerical results due to "
    "floating-point round-off errors from different computation orders. To turn them off, set "
    "the environment variable `TF_ENABLE_ONEDNN_OPTS=0`.",
    "23:40:02 rasa.1     | 2026-12-07 23:40:02.120011: I external/local_tsl/tsl/cuda/"
    "cudart_stub.cc:32] Could not find cuda drivers on your machine, GPU will not be used.",
    "23:40:02 rasa.1     | 2026-12-07 23:40:02.190113: E external/local_xla/xla/stream_executor/"
    "cuda/cuda_dnn.cc:9261] Unable to register cuDNN factory: Attempting to register factory "
    "for plugin cuDNN when one has already been registered",
    "23:40:03 rasa.1     | 2026-12-07 23:40:03.001144: W tensorflow/compiler/tf2tensorrt/utils/"
    "py_utils.cc:38] TF-TRT Warning: Could not find TensorRT",
    "23:40:03 rasa.1     | 2026-12-07 23:40:03.002000: I tensorflow/core/platform/"
    "cpu_feature_guard.cc:182] This TensorFlow binary is optimized to use available CPU "
    "instructions in performance-critical operations.",
    "23:40:03 rasa.1     | To enable the following instructions: AVX2 FMA, in other operations, "
    "rebuild TensorFlow with the appropriate compiler flags.",
    "23:40:03 actions.1  | WARNING: All log messages before absl::InitializeLog() is called are "
    "written to STDERR",
    "23:40:03 actions.1  | I0000 00:00:1733614803.123456   4242 port.cc:153] oneDNN custom "
    "operations are on.",
]
POLLS = [
    '23:40:05 bizportal.1 | INFO:     127.0.0.1:51234 - "GET /api/v1/licence-applications'
    '?limit=50 HTTP/1.1" 200 OK',
    '23:40:10 bizportal.1 | INFO:     127.0.0.1:51240 - "GET /api/v1/licence-applications'
    '?cursor=lic-0007&limit=50 HTTP/1.1" 200 OK',
    '23:40:01 web.1      | INFO:     127.0.0.1:40000 - "GET /healthz HTTP/1.1" 200 OK',
    '23:40:01 eec_oss.1  | INFO:     127.0.0.1:40002 - "GET /_sandbox/stats HTTP/1.1" 200 OK',
]
WORTH_SHOWING = [
    "23:40:00 system     | web.1 started (pid=4100)",
    "23:40:00 system     | rasa.1 started (pid=4105)",
    "23:40:01 web.1      | INFO:     Uvicorn running on http://127.0.0.1:8000 (Press CTRL+C to "
    "quit)",
    '23:40:07 web.1      | INFO:     127.0.0.1:40010 - "GET /registration HTTP/1.1" 200 OK',
    # The feed failing is not a poll to hide: the relay's warning and the sandbox's 503.
    '23:40:15 bizportal.1 | INFO:     127.0.0.1:51250 - "GET /api/v1/licence-applications'
    '?limit=50 HTTP/1.1" 503 Service Unavailable',
    "23:40:15 relay.1    | 2026-12-07 23:40:15,001 WARNING eec_bridge.relay: licence feed "
    "unavailable: HTTP 503",
    "23:40:16 relay.1    | 2026-12-07 23:40:16,201 INFO eec_bridge.relay: licence feed: 1 new "
    "application(s), case(s) 12 opened",
    "23:40:20 rasa.1     | 2026-12-07 23:40:20 ERROR    rasa.core.agent  - Could not load "
    "model due to Model file not found.",
    "23:40:20 rasa.1     | Traceback (most recent call last):",
    '23:40:20 rasa.1     |   File "serve.py", line 12, in <module>',
    # A TensorFlow error (E, not a known notice) still shows.
    "23:40:21 rasa.1     | 2026-12-07 23:40:21.000001: E tensorflow/core/framework/"
    "op_kernel.cc:1827] OP_REQUIRES failed at cast_op.cc:121 : UNIMPLEMENTED",
    '23:40:22 web.1      | INFO:     127.0.0.1:40020 - "GET /healthz HTTP/1.1" 500 Internal '
    "Server Error",
    "23:40:30 system     | sending SIGTERM to web.1 (pid 4100)",
]


def test_the_console_shows_starts_requests_and_errors_without_tensorflow_notices_or_polls():
    lines = [*TENSORFLOW_START, WORTH_SHOWING[0], *POLLS, *WORTH_SHOWING[1:], *POLLS]
    assert list(console_lines(lines)) == WORTH_SHOWING


def test_the_launcher_quiets_tensorflow_for_the_assistant(tmp_path):
    env = stack_env(settings(var_dir=str(tmp_path)), "http://127.0.0.1:8000/")
    assert env["TF_CPP_MIN_LOG_LEVEL"] in ("2", "3")


def test_honchos_output_reaches_the_console_filtered(tmp_path):
    """honcho's real output through `python -m web.console`, as the launcher pipes it."""
    script = tmp_path / "talk.py"
    script.write_text("\n".join(
        f"print({line.split('| ', 1)[1]!r}, flush=True)"
        for line in (TENSORFLOW_START[0], POLLS[0], WORTH_SHOWING[2], WORTH_SHOWING[7])))
    procfile = tmp_path / "Procfile"
    procfile.write_text(f"talk: {sys.executable} {script}\n")
    honcho = subprocess.Popen(
        [sys.executable, "-m", "honcho", "start", "-f", str(procfile), "-d", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    shown = subprocess.run([sys.executable, "-m", "web.console"], stdin=honcho.stdout,
                           cwd=ROOT, capture_output=True, text=True, check=True,
                           timeout=60).stdout
    assert honcho.wait(10) == 0
    assert "talk.1 started" in shown
    assert "Uvicorn running on" in shown and "Could not load model" in shown
    assert "oneDNN" not in shown and "licence-applications" not in shown


def test_the_launcher_says_when_the_assistant_does_not_answer():
    """A Rasa that never opens its port: one line saying so, and the portal carries on. (The
    line for an assistant that answers is checked against real Rasa servers in
    tests/chatbot/test_chatbot_stores.py.)"""
    said: list[str] = []
    nobody = settings(rasa_url=f"http://127.0.0.1:{free_port()}")
    assert not announce_assistant(nobody, "http://127.0.0.1:8000/", 1, out=said.append)
    assert len(said) == 1 and said[0].startswith("The assistant did not answer within 1 s")
