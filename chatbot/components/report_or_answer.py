"""ReportOrAnswer: the one labelling rule between `file_complaint` and `inform`, applied to
what the model extracted rather than left to its guess.

The rule (chatbot/README.md, "Intents"): a message that names a problem, or asks to
complain, is `file_complaint`; a message that gives a detail and names no problem is
`inform`. DIET learns it from examples and mostly gets it right, but it has two blind spots
that the entities settle:

- an estate name with nothing around it but small words ("Yamato ครับ", "our plant is at
  Blue Tech City", a misspelt "welgrow") comes out as `file_complaint`, `greet` or below the
  fallback threshold: it is `inform`;
- a message in which a problem type was found ("power cut in WHA Chonburi 1") comes out
  as `inform`, or as a near tie of the two: it is `file_complaint`.

Runs after the EntityResolver (so only entities that resolved, or may resolve, count) and
before the FallbackClassifier. Answers to yes/no questions, cancels and corrections keep
their intent: "yes, Map Ta Phut" or "no, it's Yamato" have more than small words around the
estate. The small words are those that say where or whose, and politeness particles;
nothing that could answer yes or no, or name a problem.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

INFORM, FILE_COMPLAINT = "inform", "file_complaint"
ESTATE, CATEGORY = "estate", "complaint_category"
# The two intents the convention tells apart.
EITHER = frozenset({INFORM, FILE_COMPLAINT})

# Politeness particles, and words that say where or whose (Thai, then English).
SMALL_WORDS = frozenset("""
ค่ะ คะ ค่า คับ ครับ ครัช ครับผม จ้า จ้ะ จ๊ะ นะ น้า นะคะ นะครับ ฮะ อะ อ่ะ เลย จ้ะ
นิคม นิคมอุตสาหกรรม อุตสาหกรรม เขตประกอบการ ที่ อยู่ ใน ของ เป็น คือ ตั้ง แถว เขต ตรง
โรงงาน บริษัท สำนักงาน เรา พวกเรา ผม ฉัน หนู ดิฉัน เค้า เขา
the a an at in on inside is are am be it it's its our my we we're i i'm me located
based plant factory company site office estate industrial park zone there that this one
of
""".split())
WORD = re.compile(r"[\w\u0e00-\u0e7f']", re.UNICODE)


def says_only_where(message: Message, estates: List[Dict[Text, Any]]) -> bool:
    """Whether every word outside the estate names is a small word."""
    spans = [(e["start"], e["end"]) for e in estates if e.get("start") is not None]
    for token in message.get(TOKENS_NAMES[TEXT]) or []:
        if any(start < token.end and token.start < end for start, end in spans):
            continue
        word = token.text.lower()
        if WORD.search(word) and word not in SMALL_WORDS:
            return False
    return True


def ruled_intent(message: Message) -> Optional[Text]:
    """The intent the rule gives, or None where the model's stands."""
    intent = (message.get(INTENT) or {}).get("name")
    if not intent:
        return None
    entities = message.get(ENTITIES) or []
    estates = [e for e in entities if e.get("entity") == ESTATE]
    if any(e.get("entity") == CATEGORY for e in entities):
        # The model may hesitate between the two ("power cut in WHA Chonburi 1"); any other
        # intent (a status request naming the problem it was about) stands.
        return FILE_COMPLAINT if intent in EITHER else None
    if estates and says_only_where(message, estates):
        return INFORM
    return None


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class ReportOrAnswer(GraphComponent):
    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage,
               resource: Resource, execution_context: ExecutionContext) -> "ReportOrAnswer":
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            ruled = ruled_intent(message)
            if ruled is None:
                continue
            model = message.get(INTENT) or {}
            # The rule is certain: the other intents drop to 0, so that the FallbackClassifier
            # after it sees no doubt (a model that was sure of another intent is not a tie).
            # What the model said stays in the parse, under intent_ruled.
            others = [{**r, "confidence": 0.0} for r in message.get(INTENT_RANKING_KEY) or []
                      if r.get("name") != ruled]
            message.set(INTENT, {"name": ruled, "confidence": 1.0}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [{"name": ruled, "confidence": 1.0}, *others],
                        add_to_output=True)
            message.set("intent_ruled", {"by": "ReportOrAnswer", "model": model},
                        add_to_output=True)
        return messages
