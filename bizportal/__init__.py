"""Biz Portal (bizportal.go.th), behind a Protocol: `gateway` (the contract in our
vocabulary), `schemas` (their wire format), `mapping` (ours ⇄ theirs), `client` (HTTP),
`adapter` (the gateway over HTTP) and `sandbox` (a stand-in service on port 8101)."""

from bizportal.adapter import BizPortalHttpGateway, from_settings
from bizportal.mapping import parse_callback

__all__ = ["BizPortalHttpGateway", "from_settings", "parse_callback"]
