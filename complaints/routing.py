"""Who handles a ticket: the estate operator's unit for its estate and category, with
environmental complaints also flagged to the EEC Office environment unit; and who may see
and handle which tickets on the desk."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import false, true

from complaints.categories import estate_label
from complaints.models import Ticket
from core.accounts.models import Role, User
from core.errors import N_, register_messages
from core.i18n import message

# The unit of the estate operator (ผู้ประกอบการนิคมอุตสาหกรรม) that takes each category.
CATEGORY_UNIT: dict[str, str] = {
    "wastewater": "environment",
    "air_pollution": "environment",
    "odor": "environment",
    "noise": "environment",
    "waste": "environment",
    "chemical_fire": "safety",
    "security": "safety",
    "power_outage": "utilities",
    "water_supply": "utilities",
    "flooding": "utilities",
    "road_traffic": "utilities",
    "estate_service": "administration",
    "other": "administration",
}
# These are also flagged to the EEC Office environment unit (สำนักงานสิ่งแวดล้อม สกพอ.).
ENVIRONMENTAL_CATEGORIES = frozenset(
    {"wastewater", "air_pollution", "odor", "noise", "waste", "chemical_fire"})

register_messages({
    "team.unit.environment": N_("environment unit"),
    "team.unit.safety": N_("safety and security unit"),
    "team.unit.utilities": N_("utilities and infrastructure unit"),
    "team.unit.administration": N_("estate administration"),
    "team.label": N_("{estate}: {unit}"),
})


@dataclass(frozen=True)
class Route:
    team: str  # "<estate id>/<unit>", stable: stored on the ticket and filtered on
    estate_id: str
    unit: str
    eec_environment: bool


def route(estate_id: str, category: str) -> Route:
    unit = CATEGORY_UNIT.get(category, "administration")
    return Route(team=f"{estate_id}/{unit}", estate_id=estate_id, unit=unit,
                 eec_environment=category in ENVIRONMENTAL_CATEGORIES)


def team_label(team: str) -> str:
    estate_id, _sep, unit = team.partition("/")
    return message("team.label", {"estate": estate_label(estate_id),
                                  "unit": message(f"team.unit.{unit}")})


# --- Who sees what ---------------------------------------------------------------------------

DESK_ROLES = (Role.officer, Role.admin, Role.estate_operator)


def sees_all(user: User) -> bool:
    return user.role in (Role.officer, Role.admin)


def visible_to(user: User) -> Any:
    """A WHERE clause: EEC officers and admins see every ticket, an estate operator only the
    tickets of their own estate (none while their account names no estate)."""
    if sees_all(user):
        return true()
    if user.role == Role.estate_operator and user.estate_id:
        return Ticket.estate_id == user.estate_id
    return false()


def can_handle(user: User, ticket: Ticket) -> bool:
    if sees_all(user):
        return True
    return user.role == Role.estate_operator and bool(user.estate_id) \
        and user.estate_id == ticket.estate_id
