"""The adversarial test set (chatbot/tests/adversarial_*.yml) is honest: well-formed labels,
at least 150 fresh utterances per language, none a near copy of a training or held-out
example, and no training input that reads it."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import yaml
from rapidfuzz import fuzz, process

from tests.chatbot.conftest import CHATBOT, ROOT

# Suites 1, 2 and 3 (adversarial_*.yml, adversarial2_*.yml, adversarial3_*.yml; 2 and 3
# written later, blind; their examples that came out near copies were taken out).
ADVERSARIAL = {(lang, suite): CHATBOT / "tests" / f"adversarial{suite}_{lang}.yml"
               for lang in ("th", "en") for suite in ("", "2", "3")}
SUITES = [(lang, suite) for suite in ("", "2", "3") for lang in ("th", "en")]
TRAINING = CHATBOT / "data" / "nlu"
HOLDOUT = CHATBOT / "tests" / "nlu_holdout.yml"
NEAR_COPY = 85  # rapidfuzz ratio, 0-100, on normalised text
MIN_EXAMPLES = {"": 150, "2": 100, "3": 100}
TICKET_ID = re.compile(r"^CMP-\d{4}-\d{6}$")
THAI = re.compile("[\u0e00-\u0e7f]")
# `[text](entity)` and `[text]{"entity": ...}` annotations in Rasa's training format.
ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def normalised(text: str) -> str:
    return " ".join(text.lower().split())


def adversarial_examples(lang: str, suite: str = "") -> list[dict]:
    return yaml.safe_load(ADVERSARIAL[lang, suite].read_text(encoding="utf-8"))["examples"]


def rasa_examples(path: Path) -> list[str]:
    """The intent examples of a Rasa NLU YAML file as typed, annotations removed."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    texts = []
    for block in data.get("nlu") or []:
        if "intent" not in block:
            continue  # synonyms, lookup tables and regexes are name lists, not utterances
        for line in str(block.get("examples", "")).splitlines():
            text = ANNOTATION.sub(r"\1", line.strip().removeprefix("- ").strip())
            if text:
                texts.append(text)
    return texts


def known_examples() -> list[str]:
    texts = [t for path in sorted(TRAINING.rglob("*.yml")) for t in rasa_examples(path)]
    return texts + rasa_examples(HOLDOUT)


def csv_ids(path: Path) -> set[str]:
    with open(path, encoding="utf-8", newline="") as fh:
        return {row["id"] for row in csv.DictReader(fh)}


def domain_intents() -> set[str]:
    intents: set[str] = set()
    for path in (CHATBOT / "domain").glob("*.yml"):
        intents |= set(yaml.safe_load(path.read_text(encoding="utf-8")).get("intents") or [])
    return intents


@pytest.mark.parametrize("lang, suite", SUITES)
def test_no_adversarial_example_is_a_near_copy_of_a_training_or_held_out_one(lang, suite):
    known = [normalised(t) for t in known_examples()]
    assert len(known) > 500, "the training data was not found"
    offenders = []
    for example in adversarial_examples(lang, suite):
        text = normalised(example["text"])
        match = process.extractOne(text, known, scorer=fuzz.ratio, score_cutoff=NEAR_COPY)
        if match:
            offenders.append(f"{example['text']!r} ~ {match[0]!r} ({match[1]:.0f})")
    assert not offenders, f"{len(offenders)} near copies:\n" + "\n".join(offenders)


@pytest.mark.parametrize("lang, suite", SUITES)
def test_every_label_is_a_domain_intent_and_every_entity_a_reference_id(lang, suite):
    examples = adversarial_examples(lang, suite)
    assert len(examples) >= MIN_EXAMPLES[suite], len(examples)
    texts = [normalised(e["text"]) for e in examples]
    assert len(set(texts)) == len(texts), "duplicate examples"
    allowed = {"estate": csv_ids(ROOT / "core" / "data" / "estates.csv"),
               "complaint_category": csv_ids(ROOT / "complaints" / "data" /
                                             "complaint_categories.csv")}
    intents = domain_intents()
    wrong = []
    for e in examples:
        if e["intent"] not in intents:
            wrong.append(f"{e['text']!r}: intent {e['intent']!r}")
        for entity, value in (e.get("entities") or {}).items():
            ok = TICKET_ID.match(value) if entity == "ticket_id" else value in allowed[entity]
            if not ok:
                wrong.append(f"{e['text']!r}: {entity}={value!r}")
        # A Thai user may type only an estate's abbreviation or a ticket number ("MTP").
        if (lang == "th" and not THAI.search(e["text"])
                and e["intent"] not in ("check_ticket_status", "inform")):
            wrong.append(f"{e['text']!r}: no Thai in the Thai set")
    assert not wrong, "\n".join(wrong)


def test_nothing_that_trains_the_model_reads_the_adversarial_set():
    readers = [CHATBOT / "config.yml", CHATBOT / "train_if_changed.py",
               *(CHATBOT / "data").rglob("*.yml")]
    for path in readers:
        assert "adversarial" not in path.read_text(encoding="utf-8"), path
    assert not list(TRAINING.rglob("adversarial*"))
