"""Every sentence the assistant says, in Thai or English, from the portal's gettext catalogs
(web/locale/*/LC_MESSAGES/messages.mo). Mark message ids with N_() so that the portal's
Babel extraction (`make translations`) finds them; translate them with `t(lang, msgid)`."""

from __future__ import annotations

import gettext
from functools import lru_cache
from typing import Any

from actions.settings import get_settings

LANGUAGES = ("th", "en")
DEFAULT_LANGUAGE = "th"


def N_(message: str) -> str:
    """Marks a message id for extraction; translation happens later with `t`."""
    return message


@lru_cache
def translation(lang: str) -> gettext.NullTranslations:
    return gettext.translation("messages", localedir=str(get_settings().locale_dir),
                               languages=[lang], fallback=True)


def t(lang: str, msgid: str, **params: Any) -> str:
    text = translation(lang if lang in LANGUAGES else DEFAULT_LANGUAGE).gettext(msgid)
    return text.format(**params) if params else text
