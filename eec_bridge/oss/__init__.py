"""EEC OSS (the Eastern Economic Corridor Office's one-stop service), behind a Protocol:
`gateway` (the contract in our vocabulary), `schemas` (their wire format), `mapping`
(ours ⇄ theirs), `client` (HTTP with OAuth2), `adapter` (the gateway over HTTP) and
`sandbox` (a stand-in service on port 8102)."""

from eec_bridge.oss.adapter import EecOssHttpGateway, from_settings
from eec_bridge.oss.mapping import parse_callback

__all__ = ["EecOssHttpGateway", "from_settings", "parse_callback"]
