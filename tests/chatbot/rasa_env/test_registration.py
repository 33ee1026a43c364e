"""The action server serves exactly the actions the domain names, and every bot text is in
both catalogs."""

from __future__ import annotations

import re

from actions.i18n import t, translation
from conftest import CHATBOT
from helpers import domain
from rasa_sdk.executor import ActionExecutor

THAI = re.compile("[\u0e00-\u0e7f]")


def test_every_custom_action_in_the_domain_is_served_and_nothing_else():
    executor = ActionExecutor()
    executor.register_package("actions")
    custom = {a for a in domain()["actions"] if a.startswith(("action_", "validate_"))}
    assert set(executor.actions) == custom


def test_every_message_of_the_actions_is_translated_into_thai():
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (CHATBOT / "actions").glob("*.py"))
    msgids = re.findall(r'N_\(((?:\s*"(?:[^"\\]|\\.)*"\s*)+)\)', sources)
    assert len(msgids) > 50
    catalog = translation("th")
    missing = []
    for literal in msgids:
        msgid = "".join(eval(part) for part in re.findall(r'"(?:[^"\\]|\\.)*"', literal))  # noqa: S307
        if not THAI.search(catalog.gettext(msgid)):
            missing.append(msgid)
    assert not missing, missing
    assert t("en", "Skip") == "Skip" and t("th", "Skip") == "ข้าม"
