"""The complaint APIs' bodies, as their OpenAPI document states them: the ticket API the
chatbot calls (/api/v1/tickets; TicketCreate, its request, is in complaints.models) and Open311
GeoReport v2 (/open311/v2). These models document the wire format the routes already send,
field for field; they do not change it (chatbot/actions/ticket_api.py and Open311 clients
read it)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

IsoTime = Annotated[str, Field(description="ISO 8601 on Bangkok time, with its offset",
                               examples=["2026-11-26T14:30:00+07:00"])]
Open311Status = Literal["open", "closed"]


class StatusLabel(BaseModel):
    """A status's name in both languages, whatever the request's language."""

    th: str
    en: str


# --- The ticket API ------------------------------------------------------------------------------


class TicketFiled(BaseModel):
    """A filed ticket. The access code is shown to the complainant once; empty on a retry
    that may not have it."""

    number: str = Field(examples=["CMP-2026-000123"])
    access_code: str
    status: str
    open311_status: Open311Status
    status_label: StatusLabel
    estate_id: str
    category: str
    created_at: IsoTime
    ack_due_at: IsoTime | None
    resolve_due_at: IsoTime | None


class PublicNote(BaseModel):
    text: str
    at: IsoTime


class TicketPrivate(BaseModel):
    """What only the complainant sees: their own words and their contact, masked."""

    description: str
    location: str
    contact_name: str
    contact: str
    anonymous: bool = False  # filed without PDPA consent: no name, no contact


class TicketStatus(BaseModel):
    number: str
    status: str
    open311_status: Open311Status
    status_label: StatusLabel
    category: str
    estate_id: str
    duplicate_of: str | None = Field(description="The ticket this one duplicates")
    latest_public_note: PublicNote | None
    updated_at: IsoTime | None
    is_complainant: bool
    private: TicketPrivate | None = Field(description="Set only for the complainant")


# --- Open311 GeoReport v2 ------------------------------------------------------------------------


class Open311Service(BaseModel):
    """One service: a complaint category."""

    service_code: str
    service_name: str
    description: str
    metadata: bool
    type: Literal["realtime", "batch", "blackbox"]
    keywords: str = Field(description="Comma-separated")
    group: str


class Open311Request(BaseModel):
    """A service request as the public may see it (no complainant's words or contact)."""

    service_request_id: str
    status: Open311Status
    status_notes: str | None
    service_name: str
    service_code: str
    description: str = Field(description="The summary an officer approved; empty until then")
    agency_responsible: str
    service_notice: str | None
    requested_datetime: IsoTime | None
    updated_datetime: IsoTime | None
    expected_datetime: IsoTime | None
    address: str
    address_id: str | None
    zipcode: str | None
    lat: float | None
    long: float | None
    media_url: str | None


class Open311RequestIn(BaseModel):
    """POST /requests.json: form-encoded as the spec says (JSON is read too). The api_key may
    come in the query string instead. The estate is attribute[estate], or an address_string
    that names it."""

    model_config = ConfigDict(populate_by_name=True)

    api_key: str = ""
    service_code: str
    estate: str = Field(default="", alias="attribute[estate]",
                        description="An industrial estate id")
    address_string: str = ""
    description: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    email: str = ""
    lat: str = Field(default="", description="WGS 84 latitude")
    long: str = Field(default="", description="WGS 84 longitude")


class Open311Created(BaseModel):
    service_request_id: str
    service_notice: str
    account_id: str | None
