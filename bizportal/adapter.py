"""The Biz Portal gateway over HTTP: `BizPortalHttpGateway` implements
bizportal.gateway.BizPortalGateway by mapping our schema to Biz Portal's (bizportal.mapping)
and sending it (bizportal.client). `from_settings()` builds the one the portal uses."""

from __future__ import annotations

from typing import Any

from bizportal import mapping
from bizportal.client import BizPortalClient
from bizportal.gateway import (
    LicenceFeedPage,
    LicenceStatusReceipt,
    RegistrationReceipt,
    RegistrationState,
)
from core.http_adapters import HttpGateway
from core.runtime import get_settings
from core.settings import Settings

MAX_FEED_LIMIT = 200


class BizPortalHttpGateway(HttpGateway[BizPortalClient]):
    def submit_registration(self, message_id: str, payload: dict[str, Any],
                            callback_url: str | None = None) -> RegistrationReceipt:
        body = mapping.registration_request(payload, callback_url)
        return mapping.registration_receipt(self.client.create_registration(body, message_id))

    def get_registration(self, registration_id: str) -> RegistrationState:
        return mapping.registration_state(self.client.get_registration(registration_id))

    def fetch_licence_applications(self, cursor: str | None = None,
                                   limit: int = 50) -> LicenceFeedPage:
        limit = max(1, min(limit, MAX_FEED_LIMIT))
        return mapping.feed_page(self.client.list_licence_applications(cursor, limit))

    def update_licence_status(self, message_id: str, licence_id: str, status: str,
                              note: str = "") -> LicenceStatusReceipt:
        body = mapping.licence_status_request(status, note)
        return mapping.licence_status_receipt(
            self.client.set_licence_status(licence_id, body, message_id))


def from_settings(settings: Settings | None = None) -> BizPortalHttpGateway:
    """The gateway the portal uses: HTTP to Settings.bizportal_url (the sandbox in
    development), with Settings.bizportal_api_key and Settings.http_timeout_s."""
    settings = settings or get_settings()
    return BizPortalHttpGateway(BizPortalClient(
        settings.bizportal_url, settings.bizportal_api_key.get_secret_value(),
        timeout_s=settings.http_timeout_s))
