"""Text as people type it: Unicode normalized, invisible characters and doubled Thai vowels
fixed, whitespace collapsed. Every name, form field and search uses the same cleaning."""

from __future__ import annotations

import re
import unicodedata

# Invisible characters that make two identical-looking names compare unequal.
# Zero-width and soft-hyphen characters, and the control characters no one types (NUL among
# them, which PostgreSQL's text refuses).
_INVISIBLE = re.compile("[\u200b-\u200d\ufeff\u2060\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"\s+")


def clean_text(s: str | None) -> str:
    """NFC, invisible characters removed, whitespace collapsed; never raises on odd input."""
    if not s:
        return ""
    s = unicodedata.normalize("NFC", str(s))
    s = _INVISIBLE.sub("", s)
    # Thai keyboards let people type NIKHAHIT + SARA AA for SARA AM, and SARA E twice for
    # SARA AE; both look identical on screen, so store the single code point.
    s = s.replace("\u0e4d\u0e32", "\u0e33").replace("\u0e40\u0e40", "\u0e41")
    return _SPACES.sub(" ", s).strip()
