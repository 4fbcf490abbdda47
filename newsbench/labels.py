"""The label inventories. They live in one place, the article schema's enums; this module only reads them."""
from __future__ import annotations

from .resources import load_schema

_SCHEMA = load_schema("article")
_DEFS = _SCHEMA["$defs"]

ENTITY_TYPES: tuple[str, ...] = tuple(_DEFS["entityType"]["enum"])
MENTION_LEVELS: tuple[str, ...] = tuple(_DEFS["mentionLevel"]["enum"])
QUOTE_KINDS: tuple[str, ...] = tuple(_DEFS["quoteKind"]["enum"])
EVENT_TYPES: tuple[str, ...] = tuple(_DEFS["eventType"]["enum"])
EVENT_ROLES: tuple[str, ...] = tuple(_DEFS["eventRole"]["enum"])
REALIS: tuple[str, ...] = tuple(_DEFS["realis"]["enum"])
FRAMES: tuple[str, ...] = tuple(_DEFS["frame"]["enum"])
GENRES: tuple[str, ...] = tuple(_DEFS["meta"]["properties"]["genre"]["enum"])
DOMAINS: tuple[str, ...] = tuple(_DEFS["meta"]["properties"]["domain"]["enum"])

#: Roles each event type admits (ACE 2005 roles plus Place and Time on every type).
ROLES_BY_EVENT_TYPE: dict[str, tuple[str, ...]] = {
    t: tuple(roles) for t, roles in _SCHEMA["x-event-roles"].items()
}
ADDED_EVENT_TYPES: tuple[str, ...] = tuple(_SCHEMA["x-added-event-types"])

#: Place and Time arguments must point at mentions of these types.
ROLE_ENTITY_TYPES: dict[str, tuple[str, ...]] = {
    "Place": ("GPE", "LOC", "FAC"),
    "Time": ("DATE", "TIME"),
}

SCHEMA_VERSION: str = _SCHEMA["x-schema-version"]
