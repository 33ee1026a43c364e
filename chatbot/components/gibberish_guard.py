"""GibberishGuard: no intent for messages that say nothing.

DIET is confident about text it has never seen: "asdfghjkl" or "😡😡😡" come out as `affirm`
with 0.97, which in the complaint form would count as a yes to the PDPA consent or to filing.
This component runs after the intent classifier and, for keyboard mashing, emoji or
punctuation alone, sets the intent's confidence to 0, so that the FallbackClassifier after it
turns the message into `nlu_fallback`. Phone numbers, e-mails and ticket numbers are answers,
not gibberish, and are left alone.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from actions.validators import is_gibberish, looks_like_contact


def says_nothing(text: Text) -> bool:
    text = (text or "").strip()
    if not text or text.startswith("/"):
        return False
    if looks_like_contact(text) or any(ch.isdigit() for ch in text):
        return False  # a phone number, a ticket number or a count is an answer
    return is_gibberish(text)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class GibberishGuard(GraphComponent):
    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage,
               resource: Resource, execution_context: ExecutionContext) -> "GibberishGuard":
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = message.get(INTENT)
            if intent and says_nothing(message.get(TEXT)):
                message.set(INTENT, {**intent, "confidence": 0.0}, add_to_output=True)
                ranking = message.get(INTENT_RANKING_KEY) or []
                message.set(INTENT_RANKING_KEY,
                            [{**r, "confidence": 0.0} for r in ranking], add_to_output=True)
        return messages
