"""Rasa's Redis lock store, safe for several Rasa servers at once.

Rasa 3.6's `RedisLockStore` keeps a conversation's ticket lock as one Redis value and changes it
by reading, changing and writing it back (`issue_ticket`, `update_lock`, `cleanup`). Two
servers that take a message of the same conversation at the same instant can both read "no
lock", both issue ticket 0 and both go ahead: two answers were then read against the same form
state (RasaHQ/rasa#9213; the fix, a `ConcurrentRedisLockStore`, was reverted from Rasa Open
Source). Here every one of those read-change-write steps runs under a short Redis mutex per
conversation (redis-py's `Lock`: SET NX with an expiry, released by a script), so tickets are
issued and retired one at a time across servers; the ticket lock itself is Rasa's.

endpoints.yml names it as `lock_store: {type: serial_lock_store.SerialRedisLockStore, ...}`
with the same keys as Rasa's `redis` type.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

# A read-change-write of the ticket lock takes a few milliseconds; the mutex expires on its
# own if a server dies holding it, and a server waits at most this long for it.
MUTEX_EXPIRY_S = 5.0
MUTEX_WAIT_S = 10.0


class SerialRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url or "localhost", **endpoint_config.kwargs)

    @contextmanager
    def _mutex(self, conversation_id: str) -> Iterator[None]:
        with self.red.lock(f"{self.key_prefix}{conversation_id}:mutex", timeout=MUTEX_EXPIRY_S,
                           blocking_timeout=MUTEX_WAIT_S):
            yield

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._mutex(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: str) -> None:
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        # Retiring the ticket and deleting a lock nobody waits on, as one step: otherwise a
        # ticket issued in between by another server would be deleted with the lock.
        with self._mutex(conversation_id):
            super().cleanup(conversation_id, ticket_number)
