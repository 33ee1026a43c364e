"""`make run` tells Rasa (chatbot/endpoints.yml) where the action server is and where to keep
conversations, from the portal's settings: a SQLite file beside the portal's, or the
portal's PostgreSQL database through Rasa's own driver; the lock store on the portal's Redis.
The stores themselves are tested live in tests/chatbot/test_chatbot_stores.py."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy.engine import make_url

from core.settings import ROOT, Settings
from web.launch import assistant_env, tracker_store_url


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
