"""The EEC OSS gateway over HTTP: `EecOssHttpGateway` implements
eec_bridge.oss.gateway.EecOssGateway by mapping our schema to OSS's (eec_bridge.oss.mapping)
and sending it (eec_bridge.oss.client). `from_settings()` builds the one the portal uses."""

from __future__ import annotations

from typing import Any

from core.http_adapters import HttpGateway
from core.runtime import get_settings
from core.settings import Settings
from eec_bridge.oss import mapping
from eec_bridge.oss.client import EecOssClient
from eec_bridge.oss.gateway import CaseReceipt, CaseStatus


class EecOssHttpGateway(HttpGateway[EecOssClient]):
    def submit_case(self, message_id: str, case: Any,
                    callback_url: str | None = None) -> CaseReceipt:
        body = mapping.case_request(case, callback_url)
        return mapping.case_receipt(self.client.create_case(body, message_id))

    def get_case(self, case_number: str) -> CaseStatus:
        return mapping.case_status(self.client.get_case(case_number))

    def answer_question(self, message_id: str, case_number: str, text: str,
                        attachments: list[dict[str, str]] | None = None, *,
                        answer_th: str | None = None,
                        answer_en: str | None = None) -> CaseReceipt:
        body = mapping.answer_request(text, attachments, answer_th, answer_en)
        return mapping.case_receipt(self.client.create_answer(case_number, body, message_id))


def from_settings(settings: Settings | None = None) -> EecOssHttpGateway:
    """The gateway the portal uses: HTTP to Settings.eec_oss_url (the sandbox in
    development) with the client credentials and Settings.http_timeout_s."""
    settings = settings or get_settings()
    return EecOssHttpGateway(EecOssClient(
        settings.eec_oss_url, settings.eec_oss_client_id,
        settings.eec_oss_client_secret.get_secret_value(), timeout_s=settings.http_timeout_s))
