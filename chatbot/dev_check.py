"""Intent accuracy and entity F1 (as CSV ids) of the trained model on tests/dev_understanding.yml,
the understanding work's own development set (never trained on).

    .venv-rasa/bin/python chatbot/dev_check.py [--show]
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
ENTITIES = ("estate", "complaint_category", "ticket_id")


async def main(show: bool) -> int:
    import logging

    from rasa.core.agent import Agent

    logging.disable(logging.WARNING)

    model = sorted((HERE / "models").glob("*.tar.gz"))[-1]
    agent = Agent.load(str(model))
    cases = yaml.safe_load((HERE / "tests" / "dev_understanding.yml").read_text(encoding="utf-8"))
    for lang, items in cases.items():
        right = tp = fp = fn = 0
        for item in items:
            parsed = await agent.parse_message(item["text"])
            intent = parsed["intent"]["name"]
            got = {(e["entity"], e["value"]) for e in parsed["entities"] if e["entity"] in ENTITIES}
            want = {(k, item[k]) for k in ENTITIES if k in item}
            right += intent == item["intent"]
            tp, fp, fn = tp + len(got & want), fp + len(got - want), fn + len(want - got)
            if show and (intent != item["intent"] or got != want):
                print(f"  {item['text']!r}: {intent} (want {item['intent']}), "
                      f"extra {sorted(got - want)}, missing {sorted(want - got)}")
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        print(f"{lang}: intent accuracy {right / len(items):.3f}, entity F1 {f1:.3f} "
              f"({len(items)} utterances)")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main("--show" in sys.argv)))
