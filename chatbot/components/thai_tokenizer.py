"""ThaiTokenizer: a Rasa tokenizer for mixed Thai and English text.

Thai has no spaces between words, so Rasa's WhitespaceTokenizer refuses it. This component
cuts Thai runs with pythainlp's newmm engine, using the default dictionary plus a keep-list
(components/thai_keep_words.txt: estate names, complaint words such as น้ำเสีย / ไฟดับ) so
that an entity never starts or ends inside a word. Everything that is not Thai script is
handed to Rasa's own WhitespaceTokenizer, so English, e-mails, phone numbers and ticket
numbers (CMP-2026-000123) are split exactly as the stock pipeline would.

Offsets are found by scanning the original text, never by re-joining tokens, and
whitespace is never a token. Letters held down are read once ("ไฟดับบบบ", "สวัสดีค่าาาา" read as
ไฟดับ, สวัสดีค่า; "helloooo", "yesss" as helloo, yess): a token's text is the folded word and its
start and end are still those of what was typed, so entities keep the user's own spelling. Only the first `max_chars` characters are tokenized: every
later component (the featurizers, DIET's transformer) grows with the token count, and one
50,000-character message once took Rasa to 12 GB.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Text, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

DEFAULT_KEEP_WORDS_FILE = Path(__file__).resolve().parent / "thai_keep_words.txt"

# A run of Thai script (letters, vowels, tone marks, Thai digits, ๆ and ฯ).
THAI_RUN = re.compile("[\u0e00-\u0e7f]+")
# Dotted Thai abbreviations stay whole: ที.เอฟ.ดี., ม.ค., อ.ส.ม.
THAI_ABBREVIATION = re.compile("(?:[\u0e00-\u0e7f]{1,4}\\.){2,}")
# A letter typed three times or more in a row: Thai never doubles one, English at most twice.
HELD_THAI = re.compile("([\u0e01-\u0e4e])\\1{2,}")
HELD_LATIN = re.compile("([A-Za-z])\\1{2,}")


def fold_held_letters(text: Text) -> Tuple[Text, List[int]]:
    """`text` with held letters folded, and for each of its characters the index it came from
    in `text`, plus len(text) at the end (so an end offset maps too). Digits are never folded:
    CMP-2026-000012 and 0800000000 stay as typed."""
    folded: List[Text] = []
    origin: List[int] = []
    position = 0
    for match in sorted([*HELD_THAI.finditer(text), *HELD_LATIN.finditer(text)],
                        key=lambda m: m.start()):
        folded.append(text[position:match.start()])
        origin.extend(range(position, match.start()))
        keep = 1 if HELD_THAI.fullmatch(match.group(0)) else 2
        folded.append(match.group(1) * keep)
        origin.extend(range(match.start(), match.start() + keep))
        position = match.end()
    folded.append(text[position:])
    origin.extend(range(position, len(text) + 1))
    return "".join(folded), origin


def read_keep_words(path: Optional[Text]) -> List[Text]:
    if not path:
        return []
    with open(path, encoding="utf-8") as fh:
        return [line.strip() for line in fh if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=8)
def _newmm_trie(keep_words: Tuple[Text, ...]) -> Any:
    # newmm replaces its dictionary with a custom one, so the keep-list joins the default.
    from pythainlp.corpus import thai_words
    from pythainlp.util import dict_trie

    return dict_trie(set(thai_words()) | set(keep_words))


def thai_spans(text: Text) -> List[Tuple[int, int]]:
    """Start and end of every Thai-script run (and dotted Thai abbreviation) in `text`."""
    spans: List[Tuple[int, int]] = []
    position = 0
    for match in THAI_ABBREVIATION.finditer(text):
        spans += [m.span() for m in THAI_RUN.finditer(text, position, match.start())]
        spans.append(match.span())
        position = match.end()
    spans += [m.span() for m in THAI_RUN.finditer(text, position)]
    return sorted(spans)


def _newmm_spans(run: Text, trie: Any) -> List[Tuple[int, int]]:
    """newmm's words as (start, end) in `run`, found by scanning, whitespace dropped."""
    from pythainlp.tokenize import word_tokenize

    spans = []
    cursor = 0
    for word in word_tokenize(run, custom_dict=trie, engine="newmm", keep_whitespace=False):
        if not word.strip():
            continue
        found = run.find(word, cursor)
        if found < 0:  # newmm never rewrites text; stay safe if a future version does
            continue
        cursor = found + len(word)
        spans.append((found, cursor))
    return spans


def _respect_keep_words(run: Text, spans: List[Tuple[int, int]], keep_words: Tuple[Text, ...],
                        trie: Any) -> List[Tuple[int, int]]:
    """Move a boundary onto a keep-word's edge when newmm's tie-break put it elsewhere.

    newmm picks the fewest words, and "เสียงดัง|ที่" ties with "เสียง|ดังที่": here the
    keep-word wins, but only if what is left over is a dictionary word, so that a longer
    word (น้ำเสียง, "voice") is never cut to make room for a keep-word (น้ำเสีย)."""
    for keep in keep_words:
        position = run.find(keep)
        while position >= 0:
            end = position + len(keep)
            starts = {s for s, _ in spans}
            ends = {e for _, e in spans}
            if position in starts and end not in ends:
                inside = next((s, e) for s, e in spans if s < end < e)
                if run[end:inside[1]] in trie:
                    spans = ([(s, e) for s, e in spans if e <= position]
                             + [(position, end), (end, inside[1])]
                             + [(s, e) for s, e in spans if s >= inside[1]])
            elif end in ends and position not in starts:
                inside = next((s, e) for s, e in spans if s < position < e)
                if run[inside[0]:position] in trie:
                    spans = ([(s, e) for s, e in spans if e <= inside[0]]
                             + [(inside[0], position), (position, end)]
                             + [(s, e) for s, e in spans if s >= end])
            position = run.find(keep, position + 1)
    return spans


def tokenize_thai(text: Text, start: int, end: int, trie: Any,
                  keep_words: Tuple[Text, ...] = ()) -> Iterable[Tuple[Text, int]]:
    """(word, offset) for one Thai run, offsets found by scanning the original text."""
    run = text[start:end]
    if THAI_ABBREVIATION.fullmatch(run):
        yield run, start
        return
    spans = _newmm_spans(run, trie)
    if keep_words:
        spans = _respect_keep_words(run, spans, keep_words, trie)
    for s, e in spans:
        yield run[s:e], start + s


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False
)
class ThaiTokenizer(Tokenizer):
    """Tokenizes Thai with newmm (plus a keep-list) and everything else like Rasa does."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
            # File with one word a line that newmm must never split.
            "keep_words_file": str(DEFAULT_KEEP_WORDS_FILE),
            # More words, straight from config.yml.
            "keep_words": [],
            # The rest of a longer text gets no tokens (the portal sends at most 500).
            "max_chars": 1000,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        return ["pythainlp"]

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        words = read_keep_words(config.get("keep_words_file")) + list(config.get("keep_words") or [])
        self.keep_words: Tuple[Text, ...] = tuple(sorted(set(words)))
        self.max_chars = int(config.get("max_chars") or 1000)
        # Rasa's own tokenizer for the non-Thai parts, with the same options.
        self._latin = WhitespaceTokenizer({**WhitespaceTokenizer.get_default_config(),
                                           "token_pattern": None})

    @property
    def trie(self) -> Any:
        return _newmm_trie(self.keep_words)

    def words_with_offsets(self, text: Text) -> List[Tuple[Text, int]]:
        thai = thai_spans(text)
        words: List[Tuple[Text, int]] = []
        for start, end in thai:
            words.extend(tokenize_thai(text, start, end, self.trie, self.keep_words))

        # Blank out the Thai runs (same length, so offsets hold) and let Rasa split the rest.
        masked = list(text)
        for start, end in thai:
            masked[start:end] = " " * (end - start)
        masked_text = "".join(masked)
        if masked_text.strip():
            latin = self._latin.tokenize(Message({"text": masked_text}), "text")
            # WhitespaceTokenizer returns the whole text as one token when it finds no word
            # (e.g. only emoji): that is not a word of the non-Thai part.
            if not (len(latin) == 1 and latin[0].text == masked_text):
                words.extend((t.text, t.start) for t in latin if t.text.strip())

        words.sort(key=lambda item: item[1])
        if not words and text.strip():
            # Like WhitespaceTokenizer: a message of only emoji or symbols is one token.
            stripped = text.strip()
            words = [(stripped, text.index(stripped))]
        return words

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        text = (message.get(attribute) or "")[: self.max_chars]
        folded, origin = fold_held_letters(text)
        tokens = []
        for word, start in self.words_with_offsets(folded):
            end = start + len(word)
            # The end of a held letter is where the next character was typed.
            tokens.append(Token(word, origin[start],
                                origin[end] if end < len(folded) else len(text)))
        return self._apply_token_pattern(tokens)
