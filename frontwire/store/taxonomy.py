"""ACLED's 6 event types and 25 sub-event types (DESIGN section 4): the one list queries validate against.

Names are ACLED's, spelled as in the codebook. Lookups are case-insensitive and return the canonical
spelling, so ``--type battles`` and ``--sub-type "air/drone strike"`` find the stored events.
"""

from __future__ import annotations

EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Violence against civilians": (
        "Sexual violence",
        "Attack",
        "Abduction/forced disappearance",
    ),
    "Protests": (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ),
    "Riots": (
        "Violent demonstration",
        "Mob violence",
    ),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}

# Each sub-event type belongs to exactly one event type (ACLED's names are unique across types).
SUB_EVENT_TYPES: dict[str, str] = {sub: type_ for type_, subs in EVENT_TYPES.items() for sub in subs}

_TYPES_FOLDED = {t.casefold(): t for t in EVENT_TYPES}
_SUBS_FOLDED = {s.casefold(): s for s in SUB_EVENT_TYPES}


def event_type(value: str) -> str | None:
    """The canonical ACLED event type for ``value`` (any case), or None when it is not one."""
    return _TYPES_FOLDED.get(value.strip().casefold())


def sub_event_type(value: str) -> str | None:
    """The canonical ACLED sub-event type for ``value`` (any case), or None when it is not one."""
    return _SUBS_FOLDED.get(value.strip().casefold())
