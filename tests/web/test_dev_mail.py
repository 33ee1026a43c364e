"""/dev/mail lists what the development mail sink caught (a real aiosmtpd server, sent to
over SMTP by the portal's own mailer), in the reader's language; in production there is no
such page."""

from __future__ import annotations

import html

import pytest

from core.runtime import get_settings
from mail.gateway import Mail, SmtpMailer
from mail.sink import serve
from tests.conftest import changed_settings, choose_language
from web.launch import free_port

SUBJECT = "เจ้าหน้าที่ขอข้อมูลเพิ่มเติม: คำขอเลขที่อ้างอิง REG-2026-000001"


@pytest.fixture
def sink(tmp_path):
    port = free_port()
    controller = serve("127.0.0.1", port, tmp_path / "mail")
    try:
        with changed_settings(EEC_SMTP_URL=f"smtp://127.0.0.1:{port}",
                              EEC_MAIL_SINK_DIR=str(tmp_path / "mail")):
            yield port
    finally:
        controller.stop()


@pytest.mark.parametrize(("lang", "heading"), [("en", "E-mail caught in development"),
                                               ("th", "อีเมลที่ระบบรับไว้ (สภาพแวดล้อมพัฒนา)")])
def test_the_page_shows_the_mail_the_sink_caught(browser, sink, lang, heading):
    choose_language(browser, lang)
    assert "REG-2026-000001" not in browser.get("/dev/mail").text
    settings = get_settings()
    SmtpMailer(settings.smtp_url, settings.mail_from).send(
        "m-1", Mail("somchai@example.com", SUBJECT, "เรียน คุณสมชาย\n\nสวัสดีครับ", "th"))
    page = html.unescape(browser.get("/dev/mail").text)
    assert heading in page
    assert SUBJECT in page and "somchai@example.com" in page and "สวัสดีครับ" in page


@pytest.mark.parametrize("lang", ["en", "th"])
def test_there_is_no_such_page_in_production(browser, sink, lang):
    """Not even with mail in the sink's folder: a not-found page in the reader's language,
    and nothing of what the sink kept. (Production refuses the sink's URL, so a real
    relay's.)"""
    choose_language(browser, lang)
    settings = get_settings()
    SmtpMailer(settings.smtp_url, settings.mail_from).send(
        "m-2", Mail("somchai@example.com", SUBJECT, "เรียน คุณสมชาย", "th"))
    assert SUBJECT in html.unescape(browser.get("/dev/mail").text)
    with changed_settings(EEC_ENVIRONMENT="production",
                          EEC_SMTP_URL="smtps://portal:relay-password@smtp.example.org:465"):
        r = browser.get("/dev/mail")
        problem = browser.get("/dev/mail", headers={"Accept": "application/json"})
    assert r.status_code == 404 and f'lang="{lang}"' in r.text
    assert SUBJECT not in html.unescape(r.text) and "somchai@example.com" not in r.text
    assert problem.status_code == 404 and problem.json()["key"] == "error.not_found"
