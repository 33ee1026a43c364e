"""The EEC OSS gateway over HTTP: `EecOssHttpGateway` implements
eec_bridge.oss.gateway.EecOssGateway by mapping our schema to OSS's (eec_bridge.oss.mapping)
and sending it (eec_bridge.oss.client). `from_settings()` builds it from the Settings."""

from __future__ import annotations

from typing import Any

from eec_bridge.oss import mapping
from eec_bridge.oss.client import EecOssClient
from eec_bridge.oss.gateway import CaseReceipt, CaseStatus


class EecOssHttpGateway:
    def __init__(self, client: EecOssClient) -> None:
        self.client = client

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

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> "EecOssHttpGateway":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def from_settings() -> EecOssHttpGateway:
    from core.settings import get_settings

    settings = get_settings()
    return EecOssHttpGateway(EecOssClient(
        settings.eec_oss_url, settings.eec_oss_client_id,
        settings.eec_oss_client_secret.get_secret_value(), timeout_s=settings.http_timeout_s))
