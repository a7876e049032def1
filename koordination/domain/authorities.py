"""The data-protection supervisory authorities of the 16 Länder (Art. 51 DSGVO), for proposing
the competent one from the city's Bundesland: public facts, checked by the office before use.

A city, its offices and a body it runs are public bodies of their Land: the state's
commissioner supervises them. Bayern is the exception with two authorities; for public bodies
it is the Landesbeauftragte (BayLfD), for a Verein running the office the Landesamt (BayLDA).
"""

from __future__ import annotations

from dataclasses import dataclass

from koordination.domain.enums import Bundesland


@dataclass(frozen=True)
class Authority:
    name: str
    address: str
    website: str

    @property
    def text(self) -> str:
        """As the letter and the Stadtprofil show it: name, address, website on three lines."""
        return f"{self.name}\n{self.address}\n{self.website}"


AUTHORITIES: dict[Bundesland, Authority] = {
    Bundesland.BW: Authority(
        "Landesbeauftragte/r für den Datenschutz und die Informationsfreiheit Baden-Württemberg",
        "Lautenschlagerstraße 20, 70173 Stuttgart",
        "https://www.baden-wuerttemberg.datenschutz.de",
    ),
    Bundesland.BY: Authority(
        "Bayerische/r Landesbeauftragte/r für den Datenschutz (BayLfD)",
        "Wagmüllerstraße 18, 80538 München",
        "https://www.datenschutz-bayern.de",
    ),
    Bundesland.BE: Authority(
        "Berliner Beauftragte/r für Datenschutz und Informationsfreiheit",
        "Alt-Moabit 59–61, 10555 Berlin",
        "https://www.datenschutz-berlin.de",
    ),
    Bundesland.BB: Authority(
        "Landesbeauftragte/r für den Datenschutz und für das Recht auf Akteneinsicht Brandenburg",
        "Stahnsdorfer Damm 77, 14532 Kleinmachnow",
        "https://www.lda.brandenburg.de",
    ),
    Bundesland.HB: Authority(
        "Landesbeauftragte/r für Datenschutz und Informationsfreiheit der Freien Hansestadt Bremen",
        "Arndtstraße 1, 27570 Bremerhaven",
        "https://www.datenschutz.bremen.de",
    ),
    Bundesland.HH: Authority(
        "Hamburgische/r Beauftragte/r für Datenschutz und Informationsfreiheit",
        "Ludwig-Erhard-Straße 22, 20459 Hamburg",
        "https://datenschutz-hamburg.de",
    ),
    Bundesland.HE: Authority(
        "Hessische/r Beauftragte/r für Datenschutz und Informationsfreiheit",
        "Gustav-Stresemann-Ring 1, 65189 Wiesbaden",
        "https://datenschutz.hessen.de",
    ),
    Bundesland.MV: Authority(
        "Landesbeauftragte/r für Datenschutz und Informationsfreiheit Mecklenburg-Vorpommern",
        "Werderstraße 74a, 19055 Schwerin",
        "https://www.datenschutz-mv.de",
    ),
    Bundesland.NI: Authority(
        "Landesbeauftragte/r für den Datenschutz Niedersachsen",
        "Prinzenstraße 5, 30159 Hannover",
        "https://www.lfd.niedersachsen.de",
    ),
    Bundesland.NW: Authority(
        "Landesbeauftragte/r für Datenschutz und Informationsfreiheit Nordrhein-Westfalen",
        "Kavalleriestraße 2–4, 40213 Düsseldorf",
        "https://www.ldi.nrw.de",
    ),
    Bundesland.RP: Authority(
        "Landesbeauftragte/r für den Datenschutz und die Informationsfreiheit Rheinland-Pfalz",
        "Hintere Bleiche 34, 55116 Mainz",
        "https://www.datenschutz.rlp.de",
    ),
    Bundesland.SL: Authority(
        "Unabhängiges Datenschutzzentrum Saarland",
        "Fritz-Dobisch-Straße 12, 66111 Saarbrücken",
        "https://www.datenschutz.saarland.de",
    ),
    Bundesland.SN: Authority(
        "Sächsische/r Datenschutz- und Transparenzbeauftragte/r",
        "Devrientstraße 5, 01067 Dresden",
        "https://www.datenschutz.sachsen.de",
    ),
    Bundesland.ST: Authority(
        "Landesbeauftragte/r für den Datenschutz Sachsen-Anhalt",
        "Otto-von-Guericke-Straße 34a, 39104 Magdeburg",
        "https://datenschutz.sachsen-anhalt.de",
    ),
    Bundesland.SH: Authority(
        "Unabhängiges Landeszentrum für Datenschutz Schleswig-Holstein (ULD)",
        "Holstenstraße 98, 24103 Kiel",
        "https://www.datenschutzzentrum.de",
    ),
    Bundesland.TH: Authority(
        "Thüringer Landesbeauftragte/r für den Datenschutz und die Informationsfreiheit",
        "Häßlerstraße 8, 99096 Erfurt",
        "https://www.tlfdi.de",
    ),
}


def proposed_authority(bundesland: Bundesland | None) -> str:
    """The competent authority for a public body in ``bundesland`` ("" without one)."""
    return AUTHORITIES[bundesland].text if bundesland is not None else ""
