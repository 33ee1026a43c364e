"""Who may see a complaint's private details (its description, location and contact): the
holder of the ticket's access code, or the chat conversation that filed it. Knowing the
number, or the complainant's phone number, is not enough.

- The access code is shown to the complainant once, when the complaint is filed; the ticket
  keeps only its SHA-256. A plain hash is enough: the code is random, and whoever can read
  the hash can already read the details it protects.
- A chat conversation proves itself with a proof the portal issues for its sender id
  (HMAC under the portal's secret key) and hands to Rasa with every message. The action
  server passes it on; it cannot make one, and no slot value stands in for it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from core.runtime import get_settings

# No 0/O, 1/I/L: read aloud or copied from a screen without doubt. 31^8 ≈ 2^39.6.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def new_access_code() -> str:
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return f"{code[:4]}-{code[4:]}"


def normalise_code(code: str | None) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def hash_code(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def code_matches(stored_hash: str | None, given: str | None) -> bool:
    if not stored_hash or not normalise_code(given):
        return False
    return hmac.compare_digest(stored_hash, hash_code(given or ""))


def _proof_key() -> bytes:
    secret = get_settings().secret_key.get_secret_value().encode()
    return hmac.new(secret, b"complaints.conversation-proof", hashlib.sha256).digest()


def conversation_proof(conversation_id: str) -> str:
    """What the portal gives Rasa with each message of the chat conversation it runs."""
    return hmac.new(_proof_key(), conversation_id.encode(), hashlib.sha256).hexdigest()


def proven_conversation(conversation_id: str | None, proof: str | None) -> str | None:
    """The conversation id if `proof` is the portal's proof for it, else None."""
    conversation_id = (conversation_id or "").strip()
    if not conversation_id or not proof:
        return None
    if hmac.compare_digest(conversation_proof(conversation_id).encode(),
                           proof.strip().encode()):
        return conversation_id
    return None
