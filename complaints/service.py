"""Complaint operations: filing a ticket (validated, numbered, routed, idempotent), the desk's
actions (status, notes, assignment, acknowledgement, merging duplicates, the public summary)
and the status lookup that shows private details only to the complainant (complaints.access
says who that is). Services never commit."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from complaints import access, clock, contacts, policy, repository, routing, statuses
from complaints.categories import categories
from complaints.models import (
    CLOSED_STATUSES,
    Channel,
    Ticket,
    TicketEvent,
    TicketNote,
    TicketStatus,
    open311_status,
)
from core import eec
from core.accounts.models import User
from core.clock import utcnow
from core.db import stored_id
from core.errors import N_, Conflict, DomainError, FieldError, Forbidden, Invalid, register_messages
from core.forms import Reader
from core.i18n import LOCALES, get_locale, message, set_locale
from core.thai_dates import to_bangkok

log = logging.getLogger("complaints")

MAX_DESCRIPTION = 4000
MAX_NOTE = 4000
MAX_SUMMARY = 1000
# Closing a ticket tells the complainant why, so these need a note.
NOTE_REQUIRED = (TicketStatus.fixed, TicketStatus.closed, TicketStatus.not_responsible)

register_messages({
    **{f"ticket.channel.{k}": v for k, v in {
        "chatbot": N_("chat assistant"),
        "web": N_("web form"),
        "api": N_("Open311 interface"),
    }.items()},
    "complaint.description_required": N_(
        "Describe the problem: what happens, where and since when."),
    "complaint.name_required": N_("Enter your name, so that the estate can reach you."),
    "complaint.contact_required": N_(
        "Give a phone number or an e-mail address, so that we can reach you."),
    "complaint.phone_invalid": N_("Enter a Thai phone number, like 081-234-5678 or 038-123-456."),
    "complaint.email_invalid": N_("Enter a valid e-mail address, like name@example.com."),
    "complaint.consent_required": N_(
        "You must agree to the privacy notice, so that we can handle your complaint."),
    "complaint.personal_data_without_consent": N_(
        "A name, phone number or e-mail address can be kept only with consent to the privacy "
        "notice: agree to it, or file the complaint anonymously without them."),
    "complaint.idempotency_reused": N_(
        "This Idempotency-Key was already used for a different complaint."),
    "ticket.not_found": N_("There is no complaint with this number."),
    "ticket.status_unchanged": N_("The ticket already has this status."),
    "ticket.use_merge": N_("To mark a duplicate, merge it into the original ticket."),
    "ticket.use_ask": N_(
        "To wait for the complainant, ask them a question with “Ask the complainant”."),
    "ticket.note_required_to_close": N_(
        "Write a note: it tells the complainant why the ticket is closed."),
    "ticket.note_required": N_("Write the note."),
    "ticket.merge_self": N_("A ticket cannot be a duplicate of itself."),
    "ticket.merge_target_duplicate": N_(
        "That ticket is itself a duplicate of {number}; merge into that one."),
    "ticket.merge_other_estate": N_("Only tickets of the same industrial estate can be merged."),
    "ticket.already_duplicate": N_("This ticket is already marked as a duplicate."),
    "ticket.event.filed_chatbot": N_("Complaint received through the chat assistant."),
    "ticket.event.filed_web": N_("Complaint received through the web form."),
    "ticket.event.filed_api": N_("Complaint received through the Open311 interface."),
    "ticket.event.routed": N_("Sent to {team}."),
    "ticket.event.env_flagged": N_("Flagged to the EEC Office environment unit."),
    "ticket.event.status": N_("Status changed from {old} to {new}."),
    "ticket.event.acknowledged": N_("Acknowledged by {name}."),
    "ticket.event.assigned": N_("Assigned to {name}."),
    "ticket.event.note_public": N_("Public note: {text}"),
    "ticket.event.note_private": N_("Private note: {text}"),
    "ticket.event.merged_into": N_("Marked as a duplicate of {number}."),
    "ticket.event.duplicate_received": N_("{number} was merged into this ticket as a duplicate."),
    "ticket.summary_required": N_(
        "Write the public summary: what the problem is, without names or contact details."),
    "ticket.event.summary_approved": N_("Public summary approved: {text}"),
    "ticket.event.summary_withdrawn": N_("Public summary withdrawn."),
})


def iso(value: datetime | None) -> str | None:
    """ISO 8601 on Bangkok time with its offset, e.g. 2026-11-26T14:30:00+07:00."""
    return to_bangkok(value).isoformat(timespec="seconds") if value else None


def in_both_languages(key: str, params: dict[str, Any] | None = None) -> dict[str, str]:
    """A message's text in Thai and in English, whatever the request's language."""
    current = get_locale()
    try:
        out = {}
        for lang in LOCALES:
            set_locale(lang)
            out[lang] = message(key, params)
        return out
    finally:
        set_locale(current)


def _bilingual(name: str, key: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Event parameters as an English value and its `_th` twin, which message() picks."""
    texts = in_both_languages(key, params)
    return {name: texts["en"], f"{name}_th": texts["th"]}


# --- Filing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filing:
    ticket: Ticket
    created: bool  # False when an idempotent retry found the ticket it filed before
    # Shown to the complainant once; a retry by the same sender gets a new one (it already
    # knows the details). Empty when a retry may not have one (see file_ticket).
    access_code: str


@dataclass(frozen=True)
class _Input:
    estate_id: str
    category: str
    description: str
    location: str
    contact_name: str
    contact_phone: str
    contact_email: str
    language: str
    conversation_id: str | None
    latitude: float | None
    longitude: float | None
    consent: bool = True  # False: an anonymous complaint, without any personal data

    def fingerprint(self) -> str:
        # Consent left out when given, so that keys filed before anonymous complaints match.
        fields = {k: v for k, v in self.__dict__.items() if not (k == "consent" and v)}
        return hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False)
                              .encode()).hexdigest()


def _coordinate(reader: Reader, name: str, limit: int) -> float | None:
    value = reader.decimal(name, required=False, min=Decimal(-limit), max=Decimal(limit))
    return float(value) if value is not None else None


def validate(data: Mapping[str, Any], *, language: str, consent_given: bool = False,
             allow_anonymous: bool = False) -> _Input:
    """Every field checked at once; Invalid lists each problem with its message key. The
    field names are those of TicketCreate, the web form and the ticket API.
    With `allow_anonymous` (the chat assistant's ticket API) a complaint without PDPA consent
    is accepted when it carries no name, phone or e-mail; personal data without consent is
    always refused."""
    r = Reader(data)
    consent = consent_given or r.flag("consent")
    anonymous = allow_anonymous and not consent
    estate_id = r.choice("estate_id", eec.estates())
    category = r.choice("category", categories())
    description = r.text("description", required=False, max_len=MAX_DESCRIPTION)
    if not description:
        r.error("description", "complaint.description_required")
    location = r.text("location", required=False, max_len=500)
    name = r.text("contact_name", required=False, max_len=200)
    if not name and not anonymous:
        r.error("contact_name", "complaint.name_required")
    raw_phone = r.text("contact_phone", required=False, max_len=40)
    raw_email = r.text("contact_email", required=False, max_len=254)
    phone = contacts.normalise_phone(raw_phone) if raw_phone else ""
    email = contacts.normalise_email(raw_email) if raw_email else ""
    if phone is None:
        r.error("contact_phone", "complaint.phone_invalid")
    if email is None:
        r.error("contact_email", "complaint.email_invalid")
    if anonymous and (name or raw_phone or raw_email):
        r.error("consent", "complaint.personal_data_without_consent")
    elif not anonymous and not raw_phone and not raw_email:
        r.error("contact_phone", "complaint.contact_required")
    if not consent and not anonymous:
        r.error("consent", "complaint.consent_required")
    lang = r.choice("language", LOCALES, required=False) or language
    conversation_id = r.text("conversation_id", required=False, max_len=120) or None
    latitude, longitude = _coordinate(r, "lat", 90), _coordinate(r, "long", 180)
    if r.errors:
        raise Invalid(r.errors)
    return _Input(estate_id=estate_id, category=category, description=description,
                  location=location, contact_name=name, contact_phone=phone or "",
                  contact_email=email or "", language=lang, conversation_id=conversation_id,
                  latitude=latitude, longitude=longitude, consent=not anonymous)


def _replay(session: Session, found: Ticket, fingerprint: str, new_code: bool) -> Filing:
    """The same complaint sent again: its sender gets the ticket and, if it is the one that
    filed it, a fresh access code (the first answer, and its code, may never have arrived)."""
    if found.idempotency_hash != fingerprint:
        raise DomainError("complaint.idempotency_reused", status=422)
    if not new_code:
        return Filing(found, created=False, access_code="")
    code = access.new_access_code()
    found.access_code_hash = access.hash_code(code)
    session.add(found)
    return Filing(found, created=False, access_code=code)


def file_ticket(session: Session, data: Mapping[str, Any], *, channel: Channel,
                language: str = "th", idempotency_key: str | None = None,
                consent_given: bool = False, at: datetime | None = None,
                replay_code: bool = True, allow_anonymous: bool = False) -> Filing:
    """Validates, numbers, routes and stores a complaint. With an idempotency key, a retry
    of the same complaint returns the ticket filed the first time, with a new access code
    only if `replay_code` (the caller knows the retry comes from the complainant: the same
    browser, or the service token's holder); the same key with other content is refused.
    `consent_given` is for channels whose client records the PDPA consent itself (Open311
    key holders); `allow_anonymous` lets a complaint without consent and without personal
    data in (the chat assistant's users who decline consent)."""
    given = validate(data, language=language, consent_given=consent_given,
                     allow_anonymous=allow_anonymous)
    key = (idempotency_key or "").strip()[:120] or None
    fingerprint = given.fingerprint()
    if key and (found := repository.find_by_key(session, channel, key)):
        return _replay(session, found, fingerprint, replay_code)
    at = at or utcnow()
    number = repository.next_number(session, at)
    # Under the counter's lock a concurrent retry has either committed or not started; a
    # retry found only now leaves a gap in the year's numbers, which is harmless.
    if key and (found := repository.find_by_key(session, channel, key)):
        return _replay(session, found, fingerprint, replay_code)
    where = routing.route(given.estate_id, given.category)
    code = access.new_access_code()
    ticket = Ticket(
        number=number, estate_id=given.estate_id, category=given.category,
        description=given.description, location=given.location,
        latitude=given.latitude, longitude=given.longitude,
        contact_name=given.contact_name, contact_phone=given.contact_phone,
        contact_email=given.contact_email, consent=given.consent,
        consent_at=at if given.consent else None, channel=channel,
        language=given.language, conversation_id=given.conversation_id,
        idempotency_key=key, idempotency_hash=fingerprint if key else None,
        team=where.team, eec_environment=where.eec_environment,
        access_code_hash=access.hash_code(code),
        ack_due_at=policy.acknowledge_due(given.category, at),
        resolve_due_at=policy.resolve_due(given.category, at),
        created_at=at, updated_at=at)
    session.add(ticket)
    session.flush()
    record(session, ticket, "filed", f"ticket.event.filed_{channel.value}", public=True,
           actor=channel.value, to_status=ticket.status)
    record(session, ticket, "routed", "ticket.event.routed", actor=channel.value,
           **_bilingual("team", "team.label", _team_params(where.team)))
    if where.eec_environment:
        record(session, ticket, "routed", "ticket.event.env_flagged", actor=channel.value)
    log.info("complaint %s filed via %s for %s (%s), contact %s", number, channel.value,
             ticket.estate_id, ticket.category,
             contacts.masked_contact(ticket.contact_phone, ticket.contact_email))
    return Filing(ticket, created=True, access_code=code)


def _team_params(team: str) -> dict[str, Any]:
    estate_id, _sep, unit = team.partition("/")
    estate = eec.estates().get(estate_id)
    unit_text = in_both_languages(f"team.unit.{unit}")
    return {"estate": estate.name_en if estate else estate_id,
            "estate_th": estate.name_th if estate else estate_id,
            "unit": unit_text["en"], "unit_th": unit_text["th"]}


# --- History --------------------------------------------------------------------------------


def record(session: Session, ticket: Ticket, kind: str, key: str, *, public: bool = False,
           actor: User | str = "", from_status: str | None = None,
           to_status: str | None = None, **params: Any) -> TicketEvent:
    event = TicketEvent(
        ticket_id=stored_id(ticket.id), kind=kind, key=key, params=params, public=public,
        from_status=from_status, to_status=to_status,
        actor_id=actor.id if isinstance(actor, User) else None,
        actor=actor.full_name if isinstance(actor, User) else actor)
    session.add(event)
    return event


# --- Desk actions ---------------------------------------------------------------------------


def _touch(session: Session, ticket: Ticket) -> None:
    ticket.updated_at = utcnow()
    session.add(ticket)


def acknowledge(session: Session, ticket: Ticket, actor: User) -> bool:
    """First response from the estate; True if this call acknowledged the ticket."""
    if ticket.acknowledged_at is not None:
        return False
    ticket.acknowledged_at = utcnow()
    _touch(session, ticket)
    record(session, ticket, "acknowledged", "ticket.event.acknowledged", public=True,
           actor=actor, name=actor.full_name)
    return True


def assign(session: Session, ticket: Ticket, actor: User, assignee: User) -> None:
    if not routing.can_handle(assignee, ticket):
        raise Forbidden()
    ticket.assignee_id = assignee.id
    _touch(session, ticket)
    record(session, ticket, "assigned", "ticket.event.assigned", actor=actor,
           name=assignee.full_name)


def add_note(session: Session, ticket: Ticket, actor: User, text: str, *,
             public: bool) -> TicketNote:
    """A public note is scrubbed (contacts.scrub_text) before it is stored: the desk, the
    status page, the ticket API, the chatbot and Open311 all show that one text."""
    text = text.strip()[:MAX_NOTE]
    if public:
        text = contacts.scrub_text(text)
    if not text:
        raise Invalid([FieldError("note", "ticket.note_required")])
    note = TicketNote(ticket_id=stored_id(ticket.id), public=public, author_id=actor.id,
                      author_name=actor.full_name, text=text)
    session.add(note)
    if public:
        acknowledge(session, ticket, actor)  # a public answer is a response
    _touch(session, ticket)
    record(session, ticket, "note", f"ticket.event.note_{'public' if public else 'private'}",
           public=public, actor=actor, text=text)
    return note


def set_status(session: Session, ticket: Ticket, status: TicketStatus, actor: User | str,
               *, at: datetime | None = None) -> None:
    """Every status change goes through here: it stops the resolve clock when the ticket
    starts waiting for the complainant and restarts it when it stops waiting, whoever moves
    it on (the complainant's answer, or an officer who closes the ticket meanwhile)."""
    old = ticket.status
    at = at or utcnow()
    ticket.status = status
    ticket.closed_at = at if status in CLOSED_STATUSES else None
    if status == TicketStatus.info_requested:
        clock.stop(ticket, at)
    else:
        clock.restart(ticket, at)
    _touch(session, ticket)
    record(session, ticket, "status", "ticket.event.status", public=True, actor=actor,
           from_status=old, to_status=status,
           **_bilingual("old", statuses.status_key(old)),
           **_bilingual("new", statuses.status_key(status)))


def change_status(session: Session, ticket: Ticket, actor: User, status: str, *,
                  note: str = "", public: bool = True) -> None:
    """Moves the ticket to another state, with an optional note (required when closing).
    Reopening a wrongly merged duplicate clears its link to the original."""
    if status not in TicketStatus.__members__:
        raise Invalid([FieldError("status", "field.choice")])
    new = TicketStatus(status)
    errors = []
    if new == TicketStatus.duplicate:
        errors.append(FieldError("status", "ticket.use_merge"))
    elif new == TicketStatus.info_requested:
        errors.append(FieldError("status", "ticket.use_ask"))  # a question, then the wait
    elif new == ticket.status:
        errors.append(FieldError("status", "ticket.status_unchanged"))
    if new in NOTE_REQUIRED and not note.strip():
        errors.append(FieldError("note", "ticket.note_required_to_close"))
    if errors:
        raise Invalid(errors)
    if ticket.status == TicketStatus.duplicate:
        ticket.duplicate_of_id = None
    acknowledge(session, ticket, actor)
    set_status(session, ticket, new, actor)
    if note.strip():
        add_note(session, ticket, actor, note, public=public)


def merge_duplicate(session: Session, duplicate: Ticket, original: Ticket, actor: User) -> None:
    """`duplicate` reports what `original` already reports: it is closed as a duplicate and
    both histories say so."""
    if duplicate.id == original.id:
        raise Invalid([FieldError("original", "ticket.merge_self")])
    if duplicate.status == TicketStatus.duplicate:
        raise Conflict("ticket.already_duplicate")
    if original.status == TicketStatus.duplicate:
        target = session.get(Ticket, original.duplicate_of_id)
        raise Invalid([FieldError("original", "ticket.merge_target_duplicate",
                                  {"number": target.number if target else ""})])
    if duplicate.estate_id != original.estate_id:
        raise Invalid([FieldError("original", "ticket.merge_other_estate")])
    acknowledge(session, duplicate, actor)
    duplicate.duplicate_of_id = original.id
    set_status(session, duplicate, TicketStatus.duplicate, actor)
    record(session, duplicate, "merged", "ticket.event.merged_into", public=True, actor=actor,
           number=original.number)
    _touch(session, original)
    record(session, original, "merged", "ticket.event.duplicate_received", actor=actor,
           number=duplicate.number)


def summary_draft(ticket: Ticket) -> str:
    """A starting point for the public summary: the complainant's words with contacts, ID
    numbers and the like masked. An officer reads and edits it before it is published."""
    return contacts.scrub_text(ticket.description)[:MAX_SUMMARY]


def approve_public_summary(session: Session, ticket: Ticket, actor: User, text: str) -> None:
    """The officer's summary becomes what Open311 publishes about the ticket. It is scrubbed
    once more, in case a contact slipped through the officer's reading."""
    text = contacts.scrub_text(" ".join(text.split()))[:MAX_SUMMARY]
    if not text:
        raise Invalid([FieldError("public_summary", "ticket.summary_required")])
    ticket.public_summary = text
    ticket.public_summary_approved_at = utcnow()
    ticket.public_summary_approved_by_id = actor.id
    _touch(session, ticket)
    record(session, ticket, "summary", "ticket.event.summary_approved", actor=actor, text=text)


def withdraw_public_summary(session: Session, ticket: Ticket, actor: User) -> None:
    if ticket.public_summary_approved_at is None:
        return
    ticket.public_summary = ""
    ticket.public_summary_approved_at = None
    ticket.public_summary_approved_by_id = None
    _touch(session, ticket)
    record(session, ticket, "summary", "ticket.event.summary_withdrawn", actor=actor)


# --- Status lookup --------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusView:
    """What a status lookup shows. `private` is set only for the complainant."""

    ticket: Ticket
    is_complainant: bool
    latest_note: TicketNote | None
    duplicate_of: str | None

    @property
    def open311_status(self) -> str:
        return open311_status(self.ticket.status)

    def private(self) -> dict[str, Any] | None:
        if not self.is_complainant:
            return None
        t = self.ticket
        return {"description": t.description, "location": t.location,
                "contact_name": t.contact_name,
                "contact": contacts.masked_contact(t.contact_phone, t.contact_email),
                "anonymous": is_anonymous(t)}


def is_anonymous(ticket: Ticket) -> bool:
    """Filed without PDPA consent, so without a name or any contact."""
    return not ticket.consent and not (ticket.contact_name or ticket.contact_phone
                                       or ticket.contact_email)


def is_complainant(ticket: Ticket, *, access_code: str | None = None,
                   conversation_id: str | None = None) -> bool:
    """The holder of the ticket's access code, or the chat conversation that filed it.
    `conversation_id` must be one the caller has proven (access.proven_conversation): a
    phone number or a claimed conversation id alone proves nothing."""
    if access.code_matches(ticket.access_code_hash, access_code):
        return True
    return bool(conversation_id and ticket.conversation_id
                and hmac.compare_digest(conversation_id.encode(),
                                        ticket.conversation_id.encode()))


def lookup_status(session: Session, number: str, *, access_code: str | None = None,
                  conversation_id: str | None = None) -> StatusView:
    """The public status for anyone with the number; the private details too for the
    complainant (see is_complainant)."""
    ticket = repository.get_ticket(session, number)
    original = session.get(Ticket, ticket.duplicate_of_id) if ticket.duplicate_of_id else None
    return StatusView(ticket=ticket,
                      is_complainant=is_complainant(ticket, access_code=access_code,
                                                    conversation_id=conversation_id),
                      latest_note=repository.latest_public_note(session, ticket),
                      duplicate_of=original.number if original else None)
