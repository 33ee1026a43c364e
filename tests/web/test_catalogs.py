"""The gettext catalogs: every message in the source has a Thai translation that keeps the
message's placeholders, and both catalogs compile and load.

Messages are extracted fresh from the source tree, exactly as `make extract` does, so a
developer who adds a message and forgets `make translations` or the Thai text sees this fail."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po
from babel.support import Translations

ROOT = Path(__file__).resolve().parents[2]
LOCALE_DIR = ROOT / "web" / "locale"
LANGUAGES = ("th", "en")
# The same packages, keyword and options as the Makefile's `extract` target.
SOURCE_DIRS = ("web", "registration", "bizportal", "eec_bridge", "chatbot", "complaints", "flows")

BRACE_PLACEHOLDER = re.compile(r"(?<!\{)\{(\w+)(?:[!:][^{}]*)?\}")  # str.format, Python
PERCENT_PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrs]")  # Jinja
THAI_LETTER = re.compile("[\u0e00-\u0e7f]")


def pybabel(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the venv's Babel command line (the module, so no script path is assumed)."""
    return subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", *args],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )


def read_catalog(path: Path) -> Catalog:
    with open(path, "rb") as fh:
        return read_po(fh)


def catalog_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory) -> list[Message]:
    pot = tmp_path_factory.mktemp("extract") / "messages.pot"
    dirs = [d for d in SOURCE_DIRS if (ROOT / d).is_dir()]
    result = pybabel("extract", "-F", "babel.cfg", "-k", "N_", "-o", str(pot),
                     "--no-location", "--sort-output", *dirs)
    assert result.returncode == 0, result.stderr
    messages = [m for m in read_catalog(pot) if m.id]
    assert messages, "extraction found no messages"
    return messages


@pytest.fixture(scope="module")
def thai() -> Catalog:
    return read_catalog(catalog_path("th"))


def translated_strings(message: Message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def msgid_text(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def placeholders(text: str) -> set[str]:
    return ({f"{{{name}}}" for name in BRACE_PLACEHOLDER.findall(text)}
            | {f"%({name})s" for name in PERCENT_PLACEHOLDER.findall(text)})


def test_every_source_message_has_a_thai_translation(source_messages, thai):
    untranslated = []
    for message in source_messages:
        entry = thai.get(message.id, message.context)
        if (entry is None or entry.fuzzy
                or not all(s.strip() for s in translated_strings(entry))):
            untranslated.append(msgid_text(message))
    assert not untranslated, (
        f"{len(untranslated)} message(s) have no Thai translation in "
        f"{catalog_path('th').relative_to(ROOT)}; run `make translations` and translate:\n  "
        + "\n  ".join(untranslated)
    )


def test_thai_translations_keep_the_placeholders_of_their_message(thai):
    wrong = []
    for message in thai:
        if not message.id or not message.string:
            continue
        expected = placeholders(msgid_text(message))
        for translation in translated_strings(message):
            if translation and placeholders(translation) != expected:
                wrong.append(f"{msgid_text(message)!r} -> {translation!r}")
    assert not wrong, "placeholders differ from the msgid:\n  " + "\n  ".join(wrong)


def test_thai_translations_format_with_their_parameters(thai):
    """A stray `%` next to `%(n)s`, or an unpaired brace next to `{n}`, breaks at render time."""
    broken = []
    for message in thai:
        if not message.id or not message.string:
            continue
        msgid = msgid_text(message)
        percent_names = PERCENT_PLACEHOLDER.findall(msgid)
        brace_names = BRACE_PLACEHOLDER.findall(msgid)
        for translation in translated_strings(message):
            try:
                if percent_names:
                    translation % {name: "x" for name in percent_names}
                if brace_names:
                    translation.format(**{name: "x" for name in brace_names})
            except (KeyError, IndexError, ValueError, TypeError) as exc:
                broken.append(f"{translation!r}: {exc}")
    assert not broken, "translations that fail to format:\n  " + "\n  ".join(broken)


@pytest.fixture(scope="module")
def compiled_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("locale")
    for lang in LANGUAGES:
        mo = out / lang / "LC_MESSAGES" / "messages.mo"
        mo.parent.mkdir(parents=True)
        result = pybabel("compile", "-l", lang, "-i", str(catalog_path(lang)), "-o", str(mo))
        # Babel reports rejected translations (e.g. incompatible placeholders) as errors.
        if result.returncode != 0 or re.search("^error:", result.stderr, re.M):
            pytest.fail(f"the {lang} catalog does not compile:\n{result.stderr}")
        assert mo.is_file(), f"no {lang} catalog written (is the catalog marked fuzzy?)"
    return out


def load(compiled_dir: Path, lang: str) -> Translations:
    translations = Translations.load(str(compiled_dir), [lang], domain="messages")
    assert isinstance(translations, Translations), f"the {lang} catalog did not load"
    return translations


def test_thai_catalog_compiles_and_translates(compiled_dir):
    text = load(compiled_dir, "th").gettext("Sign in")
    assert THAI_LETTER.search(text), text


def test_english_catalog_compiles_and_falls_back_to_the_msgid(compiled_dir):
    assert load(compiled_dir, "en").gettext("Sign in") == "Sign in"
