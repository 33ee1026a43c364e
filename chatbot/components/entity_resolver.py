"""EntityResolver: entities that name an estate, a category or a ticket carry its id, or go.

Runs after DIETClassifier, the RegexEntityExtractor and the EntitySynonymMapper, so that a
`parse` already says `map-ta-phut`, `odor` or `CMP-2026-000012`:

- an `estate` or `complaint_category` entity takes the id of the most specific name the text
  gives at that place (DIET tagging "Eastern Seaboard" inside "WHA Eastern Seaboard 1" gets
  `wha-eastern-seaboard-1`), else of what its own text names, tolerating typos and missing
  tone marks (actions/reference.py, the same resolver the actions use);
- a name that could mean several estates ("อมตะ", "WHA") stays as typed, so the form asks
  which one with buttons; anything that names nothing ("นิคม", "industrial", "ไม่") is
  dropped;
- a `ticket_id` is normalised (Thai digits, dashes, spaces, Buddhist-era year) or dropped;
- an estate, category or ticket number that the text names but no extractor tagged is added
  (extractor `EntityResolver`), except for names too vague to count on their own;
- a message keeps one category, the first it names.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from actions import reference, validators

ESTATE, CATEGORY, TICKET = "estate", "complaint_category", "ticket_id"
NAME = "EntityResolver"
SHORT_ANSWER = 25  # folded characters


def _overlaps(entity: Dict[Text, Any], start: int, end: int) -> bool:
    return entity.get("start") is not None and entity["start"] < end and start < entity["end"]


def _mark(entity: Dict[Text, Any], value: Text) -> Dict[Text, Any]:
    if entity.get("value") == value:
        return entity
    return {**entity, "value": value, "processors": [*entity.get("processors", []), NAME]}


def resolve_named(entity: Dict[Text, Any], mentions: List[reference.Mention],
                  match: Any, text: Text) -> Optional[Dict[Text, Any]]:
    """The entity with its id, as typed when it could mean several, or None."""
    for mention in mentions:
        if _overlaps(entity, mention.start, mention.end):
            if mention.id:
                return _mark(entity, mention.id)
            break
    resolution = match(entity.get("value"))
    if resolution.id:
        return _mark(entity, resolution.id)
    if resolution.candidates:
        # The rest of the message may settle it: "the WHA one in Chonburi".
        whole = match(text)
        return _mark(entity, whole.id) if whole.id in resolution.candidates else entity
    return None


def resolve_ticket(entity: Dict[Text, Any], text: Text) -> Optional[Dict[Text, Any]]:
    number = validators.normalise_ticket_id(str(entity.get("value") or ""))
    start = entity.get("start")
    if not number and start is not None:  # DIET took only "CMP" of "CMP 2026 12"
        window = text[start:start + 30]
        number = validators.normalise_ticket_id(window)
        found = validators.find_ticket_number(window)
        if number and found and found.start() == 0:
            entity = {**entity, "end": start + found.end()}
    return _mark(entity, number) if number else None


def added(entity: Text, mention: reference.Mention) -> Dict[Text, Any]:
    return {"entity": entity, "start": mention.start, "end": mention.end,
            "value": mention.id or mention.text, "confidence_entity": 1.0, "extractor": NAME}


def resolve_entities(text: Text, entities: List[Dict[Text, Any]],
                     vague: frozenset) -> List[Dict[Text, Any]]:
    mentions = {ESTATE: reference.find_mentions(text, reference.estate_index()),
                CATEGORY: reference.find_mentions(text, reference.category_index())}
    match = {ESTATE: reference.match_estate, CATEGORY: reference.match_category}
    kept: List[Dict[Text, Any]] = []
    for entity in entities:
        kind = entity.get("entity")
        if kind in match:
            resolved = resolve_named(entity, mentions[kind], match[kind], text)
        elif kind == TICKET:
            resolved = resolve_ticket(entity, text)
        else:
            resolved = entity
        if resolved is not None:
            kept.append(resolved)

    # What no extractor tagged: the first estate and the first category the text names
    # ("Map Ta Phut wastewater smells" is a wastewater complaint, not also an odour one).
    for kind, found in mentions.items():
        if any(e.get("entity") == kind for e in kept):
            continue
        named = [m for m in found if reference.match_key(m.text) not in vague]
        if not found:  # a misspelt name: "สมาทปาร์ค", "polution"
            fuzzy = (reference.fuzzy_estate_mention if kind == ESTATE
                     else reference.fuzzy_category_mention)
            named = list(filter(None, [fuzzy(text)]))
        if kind == ESTATE and not named and len(reference.match_key(text)) <= SHORT_ANSWER:
            # A short answer that is a misspelt estate as a whole ("padeang").
            whole = reference.match_estate(text)
            stripped = text.strip()
            if whole.id:
                start = text.index(stripped)
                named = [reference.Mention(start, start + len(stripped), stripped, (whole.id,),
                                           len(stripped))]
        if named:
            entity = added(kind, named[0])
            kept.append(resolve_named(entity, found, match[kind], text) or entity)
    if not any(e.get("entity") == TICKET for e in kept):
        found_ticket = validators.find_ticket_number(text)
        number = validators.normalise_ticket_id(text)
        if found_ticket and number:
            kept.append({"entity": TICKET, "start": found_ticket.start(),
                         "end": found_ticket.end(), "value": number,
                         "confidence_entity": 1.0, "extractor": NAME})

    # One entity per ticket number or estate: DIET and the regex extractor may both find it,
    # or DIET may tag two parts of one name ("Eastern Industrial Estate at Map Ta Phut"). And one
    # category, the first named: in "wastewater that smells" the smell describes the
    # wastewater, and a complaint has one category ("road … potholes" keeps both words).
    ordered = sorted(kept, key=lambda e: e.get("start") or 0)
    category = next((e.get("value") for e in ordered if e.get("entity") == CATEGORY), None)
    unique: List[Dict[Text, Any]] = []
    for entity in ordered:
        kind = entity.get("entity")
        if kind == CATEGORY and entity.get("value") != category:
            continue
        if kind in (TICKET, ESTATE) and any(u.get("entity") == kind
                                            and u.get("value") == entity.get("value")
                                            for u in unique):
            continue
        unique.append(entity)
    return unique


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False
)
class EntityResolver(GraphComponent, EntityExtractorMixin):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage,
               resource: Resource, execution_context: ExecutionContext) -> "EntityResolver":
        return cls()

    def __init__(self) -> None:
        # Names that resolve what an extractor tagged but are too vague to add by themselves.
        self.vague = frozenset(reference.match_key(word)
                               for word in reference.aliases().get("not_alone", []))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if not text or text.startswith("/"):  # a button's payload names its ids already
                continue
            entities = resolve_entities(text, list(message.get(ENTITIES) or []), self.vague)
            message.set(ENTITIES, entities, add_to_output=True)
        return messages
