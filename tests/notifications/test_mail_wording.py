"""An applicant's e-mail is punctuated in its own language: an English sentence ends with a
full stop, a Thai one does not (Thai marks the end of a sentence with a space, and a stray
"." after a Thai title reads as a typo)."""

from __future__ import annotations

import pytest

from core.accounts.models import User
from core.i18n import translations
from notifications.models import Notification, NotificationKind
from notifications.service import email

TITLES = {"approved": "Your application is approved",
          "registered": "Your company is registered",
          "rejected": "Your application was rejected",
          "info_requested": "An officer needs more information"}


def mail_lines(kind: str, lang: str) -> list[str]:
    notification = Notification(user_id=1, kind=NotificationKind(kind), event_key=f"k:{kind}",
                                params={"reference": "REG-2026-000001", "name_th": "บริษัท ก จำกัด",
                                        "name_en": "Kor Company Limited",
                                        "juristic_number": "0-21-5-569-01544-1",
                                        "question": "Why?", "reason": "Incomplete"})
    user = User(email="a@example.com", full_name="Somchai Jaidee", password_hash="x",
                preferred_lang=lang)
    return email(notification, user, link="https://portal.example/registration/1/status") \
        .body.split("\n\n")


@pytest.mark.parametrize("kind", sorted(TITLES))
def test_a_thai_title_ends_without_a_full_stop(kind):
    title = translations("th").gettext(TITLES[kind])
    assert title != TITLES[kind]  # translated
    assert mail_lines(kind, "th")[1] == title


@pytest.mark.parametrize("kind", sorted(TITLES))
def test_an_english_title_ends_with_a_full_stop(kind):
    assert mail_lines(kind, "en")[1] == TITLES[kind] + "."
