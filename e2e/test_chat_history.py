"""The chat widget remembers the conversation of its browser session, in Thai and in English: a
factory worker starts a complaint, reloads the page and later opens another one (in the other
language); each time the widget opens on the same conversation, its latest exchanges in the
language they were written in, and the question it is waiting on still has its button.
Someone else, in another browser, opens an empty widget: the history is the session's alone
(PDPA)."""

from __future__ import annotations

import pytest
import redis
from playwright.sync_api import expect

from core.settings import Settings
from e2e.conftest import CHAT_HISTORY_MAX_EXCHANGES
from e2e.pages import Catalog, ChatWidget
from e2e.test_chat_widget import COMPLAINTS, CONSENT, DESCRIPTIONS, expect_language

SESSION_ABSOLUTE_MAX_AGE_S = Settings.model_fields["session_absolute_max_age_s"].default

OTHER_LANGUAGE = {"th": "en", "en": "th"}


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_widget_shows_the_sessions_conversation_after_a_reload_and_on_another_page(
        chat_page, chat_stack, lang: str) -> None:
    t = Catalog(lang)
    page = chat_page(lang)
    chat = ChatWidget(page, lang).open()
    chat.say(COMPLAINTS[lang])
    asked_location = chat.say(DESCRIPTIONS[lang])
    expect(asked_location.last.get_by_role("button", name=t("Skip"), exact=True)).to_be_visible()
    said = [COMPLAINTS[lang], DESCRIPTIONS[lang]]
    replies = chat.replies().all_inner_texts()

    # After a reload the widget opens on the same conversation; the question it was waiting
    # on keeps its button, and pressing it carries on the form.
    page.reload()
    expect(chat.log().locator("li")).to_have_count(0)  # loaded when the widget opens
    chat.open_here()
    expect(chat.user_messages()).to_have_text(said)
    expect(chat.replies()).to_have_text(replies)
    asked_consent = chat.choose("Skip")
    expect(asked_consent.last).to_contain_text(
        t.message(CONSENT, url=f"{chat_stack.url}/privacy"))
    chat.choose("I agree")
    said += [t("Skip"), t("I agree")]

    # On another page, in the other language: the same conversation, as it was written, its
    # latest exchanges only; the buttons already answered are plain text now.
    other = ChatWidget(page, OTHER_LANGUAGE[lang])
    page.goto("/complaints/status")
    other.use_language()
    other.open_here()
    expect(other.user_messages()).to_have_text(said[-CHAT_HISTORY_MAX_EXCHANGES:])
    history = "\n".join(other.replies().all_inner_texts())
    expect_language(history, lang)
    expect(other.log().get_by_role("button")).to_have_count(0)
    past_choices = other.log().locator(".chat-past-choices")
    expect(past_choices).to_have_count(2)
    expect(past_choices.first).to_have_text(t("Skip"))
    expect(past_choices.nth(1)).to_contain_text(t("I agree"))
    # Kept no longer than a session can live.
    store = redis.Redis.from_url(chat_stack.stack.env["REDIS_URL"])
    kept = store.keys("chat-history:*")
    assert kept and all(0 < store.ttl(key) <= SESSION_ABSOLUTE_MAX_AGE_S for key in kept)

    # Another person, in a browser of their own, on the same pages: an empty widget.
    stranger = ChatWidget(chat_page(lang), lang).open()
    expect(stranger.log().locator("li")).to_have_count(0)
    stranger.page.reload()
    stranger.open_here()
    expect(stranger.log().locator("li")).to_have_count(0)
