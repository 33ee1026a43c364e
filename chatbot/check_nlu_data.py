"""Checks of the NLU data that Rasa itself does not make (run in .venv-rasa, cwd chatbot/):

1. every annotated entity starts and ends on a token boundary of OUR tokenizer (an entity
   that cuts a word can never be predicted, and DIET silently learns garbage from it);
2. every annotated estate / complaint category maps, through the synonyms, to an id of
   the reference CSVs (or is a partial name the assistant asks about, such as "WHA"), and
   every id can be reached by at least one synonym.

    python check_nlu_data.py [files or folders…]   (default: data/nlu tests/nlu_holdout.yml)
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from rasa.shared.nlu.training_data.loading import load_data  # noqa: E402
from rasa.shared.nlu.training_data.training_data import TrainingData  # noqa: E402

from actions import reference  # noqa: E402
from components.thai_tokenizer import ThaiTokenizer  # noqa: E402

ID_ENTITIES = {
    "estate": {e.id for e in reference.estates()},
    "complaint_category": {c.id for c in reference.categories()},
}


def load(paths: list[str]) -> TrainingData:
    data = TrainingData()
    for path in paths:
        data = data.merge(load_data(str(HERE / path)))
    return data


def misaligned(tokenizer: ThaiTokenizer, data: TrainingData) -> list[str]:
    problems = []
    for example in data.nlu_examples:
        text = example.get("text")
        words = tokenizer.words_with_offsets(text)
        starts = {start for _, start in words}
        ends = {start + len(word) for word, start in words}
        for entity in example.get("entities") or []:
            if entity["start"] not in starts or entity["end"] not in ends:
                tokens = " | ".join(word for word, _ in words)
                value = text[entity["start"]:entity["end"]]
                problems.append(f"{text!r}: {entity['entity']} {value!r} cuts a token ({tokens})")
    return problems


def unmapped(data: TrainingData, synonyms: dict[str, str]) -> list[str]:
    problems = []
    for example in data.nlu_examples:
        for entity in example.get("entities") or []:
            ids = ID_ENTITIES.get(entity["entity"])
            if ids is None:
                continue
            value = str(entity.get("value", ""))
            mapped = synonyms.get(value.lower(), value)
            partial = entity["entity"] == "estate" and reference.match_estate(value).candidates
            if mapped not in ids and not partial:
                problems.append(f"{example.get('text')!r}: {entity['entity']} {value!r} maps to "
                                f"no id (add it to reference/aliases.yml)")
    return problems


def unreachable(synonyms: dict[str, str]) -> list[str]:
    reached = set(synonyms.values())
    return [f"{kind} id {i!r} has no synonym" for kind, ids in ID_ENTITIES.items()
            for i in sorted(ids - reached)]


def main(argv: list[str]) -> int:
    paths = argv or ["data/nlu", "tests/nlu_holdout.yml"]
    tokenizer = ThaiTokenizer(ThaiTokenizer.get_default_config())
    synonyms = {k.lower(): v for k, v in load(["data/nlu"]).entity_synonyms.items()}
    problems = []
    for path in paths:
        data = load([path])
        problems += misaligned(tokenizer, data) + unmapped(data, synonyms)
        count = sum(len(e.get("entities") or []) for e in data.nlu_examples)
        print(f"{path}: {len(data.nlu_examples)} examples, {count} entities checked")
    problems += unreachable(synonyms)
    for problem in problems:
        print("PROBLEM", problem)
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
