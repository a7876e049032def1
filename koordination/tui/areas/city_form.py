"""The Stadtprofil's fields: the city and its office, then the controller's data for the
data-protection texts (controller, data-protection officer, supervisory authority, the state
norm for lit. e, a legal basis per purpose, processors, recipients, third countries)."""

from __future__ import annotations

from typing import Any

from koordination.domain.controller import PURPOSES, default_basis
from koordination.domain.enums import Bundesland
from koordination.domain.inputs.directory import CityProfileInput
from koordination.domain.inputs.validation import date_value, int_value
from koordination.domain.records.directory import CityProfileRecord
from koordination.errors import FieldError
from koordination.tui.widgets.form import FieldSpec

#: The field of each purpose's legal basis.
BASIS_PREFIX = "basis_"

#: The fields the profile had before the controller's data; the city's own facts.
_TEXTS = (
    "name",
    "tandem_partner",
    "portrait",
    "focus",
    "vision",
    "achievements",
    "resources",
    "hashtags",
    "office_name",
    "office_address",
    "office_phone",
    "office_email",
    "controller",
    "dpo_contact",
    "supervisory_authority",
    "state_law_basis",
    "processors",
    "recipients",
    "third_country_transfers",
)

CITY_FIELDS = [
    FieldSpec("name", "Name der Stadt"),
    FieldSpec("bundesland", "Bundesland", kind="select", choices=Bundesland.choices()),
    FieldSpec("inhabitants", "Einwohnerzahl", placeholder="z. B. 48000"),
    FieldSpec("network_since", "Im Netzwerk seit", placeholder="Jahr, z. B. 2019"),
    FieldSpec("tandem_partner", "Tandempartner"),
    FieldSpec("focus", "Schwerpunkt", kind="lines"),
    FieldSpec("portrait", "Porträt", kind="lines"),
    FieldSpec("vision", "Vision", kind="lines"),
    FieldSpec("achievements", "Erfolge", kind="lines"),
    FieldSpec("resources", "Ressourcen", kind="lines"),
    FieldSpec("hashtags", "Hashtags"),
    FieldSpec("office_name", "Koordinierungsstelle"),
    FieldSpec("office_address", "Anschrift der Koordinierungsstelle", kind="lines"),
    FieldSpec("office_phone", "Telefon der Koordinierungsstelle"),
    FieldSpec("office_email", "E-Mail der Koordinierungsstelle"),
    FieldSpec(
        "contact_person_id",
        "Feste Ansprechperson",
        kind="select",
        error_names=("Feste Ansprechperson",),
    ),
    FieldSpec(
        "principles_accepted_on",
        "Grundsätze anerkannt am",
        placeholder="Datum, an dem die Stadt die Grundsätze des Netzwerks anerkannt hat",
    ),
    # The controller's data (Art. 13-15, 30 DSGVO): what the access letter names.
    FieldSpec(
        "controller",
        "Verantwortlich",
        kind="lines",
        placeholder="z. B. Stadt Musterstadt, vertreten durch die Bürgermeisterin, Anschrift; "
        "leer: die Koordinierungsstelle",
    ),
    FieldSpec(
        "dpo_contact",
        "DSB-Kontakt",
        kind="lines",
        placeholder="die/der Datenschutzbeauftragte: Name oder Funktion, Anschrift, E-Mail",
    ),
    FieldSpec(
        "supervisory_authority",
        "Aufsichtsbehörde",
        kind="lines",
        placeholder="y trägt die Behörde des Bundeslandes ein",
    ),
    FieldSpec(
        "state_law_basis",
        "Landesnorm (lit. e)",
        placeholder="die Norm der öffentlichen Aufgabe, z. B. § 3 DSG NRW",
    ),
    *(
        FieldSpec(f"{BASIS_PREFIX}{key}", purpose.short, error_names=(purpose.short,))
        for key, purpose in PURPOSES.items()
    ),
    FieldSpec(
        "processors",
        "Auftragsverarbeiter",
        kind="lines",
        placeholder="Mailserver, Kalender-Server …; y trägt die aus den Einstellungen ein",
    ),
    FieldSpec(
        "recipients",
        "Empfänger",
        kind="lines",
        placeholder="wer Daten erhält, z. B. Mitglieder der Gruppen, Programmbüro",
    ),
    FieldSpec("third_country_transfers", "Drittländer", placeholder="keine"),
]


def build_city(values: dict[str, Any]) -> tuple[CityProfileInput, list[FieldError]]:
    problems: list[FieldError] = []
    inhabitants = int_value(values, "inhabitants", "Einwohnerzahl", problems)
    since = int_value(values, "network_since", "Im Netzwerk seit", problems)
    accepted = date_value(values, "principles_accepted_on", "Grundsätze anerkannt am", problems)
    contact = values.get("contact_person_id")
    data = CityProfileInput(
        bundesland=values["bundesland"],
        inhabitants=inhabitants,
        network_since=since,
        contact_person_id=contact if isinstance(contact, int) else None,
        principles_accepted_on=accepted,
        legal_bases={key: values[f"{BASIS_PREFIX}{key}"] for key in PURPOSES},
        **{k: values[k] for k in _TEXTS},
    )
    return data, problems + data.problems()


def city_values(c: CityProfileRecord | None) -> dict[str, Any]:
    """The form's values of a profile; a new profile shows the default legal bases."""
    if c is None:
        return {f"{BASIS_PREFIX}{key}": default_basis(key, "") for key in PURPOSES}
    values = {spec.key: getattr(c, spec.key, None) for spec in CITY_FIELDS}
    accepted = c.principles_accepted_on
    values["principles_accepted_on"] = accepted.strftime("%d.%m.%Y") if accepted else ""
    for key in PURPOSES:
        values[f"{BASIS_PREFIX}{key}"] = c.legal_bases.get(key) or default_basis(
            key, c.state_law_basis
        )
    return values


def follow_norm(values: dict[str, Any], old_norm: str, new_norm: str) -> dict[str, str]:
    """The legal-basis fields that still show the default for ``old_norm``, with the default
    for ``new_norm``: typing the state norm updates every basis that was not changed."""
    changed = {}
    for key in PURPOSES:
        field = f"{BASIS_PREFIX}{key}"
        if values.get(field, "").strip() == default_basis(key, old_norm):
            new = default_basis(key, new_norm)
            if new != values[field]:
                changed[field] = new
    return changed
