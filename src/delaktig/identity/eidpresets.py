"""Claim names and scopes of Swedish e-ID brokers, chosen with ``DELAKTIG_EID_PRESET``.

No Django import: the settings module reads this before Django starts.
"""

from typing import TypedDict


class Preset(TypedDict):
    national_id_claim: str
    municipality_claim: str
    scope: list[str]


PRESETS: dict[str, Preset] = {
    # The Swedish OIDC profile (oidc-sweden, "Claims and Scopes Specification for the Swedish
    # OpenID Connect Profile"), used by BankID and Freja brokers that follow it. It carries no
    # municipality: residency comes from the population register (DELAKTIG_RESIDENCY_SOURCES).
    "oidc-sweden": {
        "national_id_claim": "https://id.oidc.se/claim/personalIdentityNumber",
        "municipality_claim": "",
        "scope": ["openid", "profile", "https://id.oidc.se/scope/naturalPersonNumber"],
    },
    # Brokers that send the personnummer as ``ssn`` (common among commercial e-ID brokers).
    "ssn": {
        "national_id_claim": "ssn",
        "municipality_claim": "",
        "scope": ["openid", "profile", "ssn"],
    },
    # A broker run for the authority that also sends the municipality of folkbokföring.
    "municipality": {
        "national_id_claim": "personal_identity_number",
        "municipality_claim": "municipality_code",
        "scope": ["openid", "profile", "email"],
    },
}
DEFAULT_PRESET = "municipality"
