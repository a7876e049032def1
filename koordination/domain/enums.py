"""The fixed vocabularies of the programme as enums with German labels (no SQLAlchemy here)."""

from __future__ import annotations

import unicodedata
from enum import StrEnum
from typing import Self


def fold(text: str) -> str:
    """Lower-case, umlauts spelled out, everything but letters and digits dropped."""
    text = text.strip().lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(a, b)
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if ch.isalnum())


class LabeledEnum(StrEnum):
    """An enum whose members carry a German label and parse from it tolerantly."""

    @property
    def label(self) -> str:
        return _LABELS[type(self).__name__][self.value][0]

    @classmethod
    def choices(cls) -> list[tuple[str, Self]]:
        return [(m.label, m) for m in cls]

    @classmethod
    def parse(cls, text: str) -> Self | None:
        """The member whose value, label or alias matches ``text`` (case/spelling tolerant)."""
        key = fold(text)
        if not key:
            return None
        for member in cls:
            names = (member.value, *_LABELS[cls.__name__][member.value])
            if any(fold(n) == key for n in names):
                return member
        return None


class Sector(LabeledEnum):
    ZIVILGESELLSCHAFT = "zivilgesellschaft"
    VERWALTUNG = "verwaltung"
    WIRTSCHAFT = "wirtschaft"
    WISSENSCHAFT = "wissenschaft"
    POLITIK = "politik"


class OrganisationKind(LabeledEnum):
    VEREIN = "verein"
    FREIWILLIGENAGENTUR = "freiwilligenagentur"
    KOMMUNALVERWALTUNG = "kommunalverwaltung"
    UNTERNEHMEN = "unternehmen"
    STIFTUNG = "stiftung"
    HOCHSCHULE = "hochschule"
    INITIATIVE = "initiative"
    SONSTIGE = "sonstige"


class GroupKind(LabeledEnum):
    KONSORTIUM = "konsortium"
    ARBEITSKREIS = "arbeitskreis"
    PROJEKTGRUPPE = "projektgruppe"
    NETZWERK = "netzwerk"


class GroupRole(LabeledEnum):
    SPRECHER = "sprecher"
    KOORDINATION = "koordination"
    MITGLIED = "mitglied"
    SCHIRMHERRSCHAFT = "schirmherrschaft"
    GAST = "gast"


class ConsentPurpose(LabeledEnum):
    EINLADUNGEN = "einladungen"
    KONTAKTDATEN_TEILEN = "kontaktdaten_teilen"
    FOTOS = "fotos"
    NEWSLETTER = "newsletter"
    OFFENE_DATEN = "offene_daten"
    INFORMATIONEN = "informationen"


class CircularState(LabeledEnum):
    """Where one recipient's message of a circular stands: recorded before and after sending,
    so a run that broke off continues without sending anything twice."""

    GEPLANT = "geplant"
    SENDET = "sendet"
    GESENDET = "gesendet"
    FEHLGESCHLAGEN = "fehlgeschlagen"
    #: The run broke off while the message was being handed over: it may have arrived, so it
    #: is never sent again by itself.
    UNKLAR = "unklar"


class ConsentChannel(LabeledEnum):
    """How a consent (or its withdrawal) reached the office: part of its proof."""

    FORMULAR = "formular"
    EMAIL = "email"
    MUENDLICH = "muendlich"
    IMPORT = "import"


class PrivacyRequestKind(LabeledEnum):
    """A data subject's request under Art. 15-21 DSGVO (answered within one month)."""

    AUSKUNFT = "auskunft"
    LOESCHUNG = "loeschung"
    BERICHTIGUNG = "berichtigung"
    EINSCHRAENKUNG = "einschraenkung"
    WIDERSPRUCH = "widerspruch"


class OfferKind(LabeledEnum):
    """How long an engagement opportunity (Mitwirkungsmöglichkeit) binds whoever takes it."""

    EINMALIG = "einmalig"
    KURZZEITIG = "kurzzeitig"
    REGELMAESSIG = "regelmaessig"


class OfferStatus(LabeledEnum):
    OFFEN = "offen"
    BESETZT = "besetzt"
    ABGELAUFEN = "abgelaufen"


class HoursPeriod(LabeledEnum):
    """What an offer's hours count: all in all, per week or per month."""

    INSGESAMT = "insgesamt"
    WOCHE = "woche"
    MONAT = "monat"


class Suitability(LabeledEnum):
    """Whom an offer suits: the fixed list a citizen can filter by (free tags may be added)."""

    JUGENDLICHE = "jugendliche"
    AELTERE = "aeltere"
    FAMILIEN = "familien"
    BARRIEREFREI = "barrierefrei"
    OHNE_DEUTSCH = "ohne_deutsch"
    OHNE_VORKENNTNISSE = "ohne_vorkenntnisse"
    ABENDS_WOCHENENDE = "abends_wochenende"


class LegalBasis(LabeledEnum):
    EINWILLIGUNG = "einwilligung"
    VERTRAG = "vertrag"
    BERECHTIGTES_INTERESSE = "berechtigtes_interesse"
    OEFFENTLICHE_AUFGABE = "oeffentliche_aufgabe"


class Channel(LabeledEnum):
    EMAIL = "email"
    POST = "post"
    TELEFON = "telefon"
    KEINE = "keine"


class Bundesland(LabeledEnum):
    BW = "BW"
    BY = "BY"
    BE = "BE"
    BB = "BB"
    HB = "HB"
    HH = "HH"
    HE = "HE"
    MV = "MV"
    NI = "NI"
    NW = "NW"
    RP = "RP"
    SL = "SL"
    SN = "SN"
    ST = "ST"
    SH = "SH"
    TH = "TH"


class MeetingKind(LabeledEnum):
    KONSORTIUMSSITZUNG = "konsortiumssitzung"
    ARBEITSKREIS = "arbeitskreis"
    WERKSTATT = "werkstatt"
    NETZWERKTREFFEN = "netzwerktreffen"
    SONSTIGES = "sonstiges"


class MeetingStatus(LabeledEnum):
    GEPLANT = "geplant"
    EINGELADEN = "eingeladen"
    DURCHGEFUEHRT = "durchgefuehrt"
    ABGESAGT = "abgesagt"


class ResponseStatus(LabeledEnum):
    EINGELADEN = "eingeladen"
    ZUGESAGT = "zugesagt"
    ABGESAGT = "abgesagt"
    VIELLEICHT = "vielleicht"
    KEINE_ANTWORT = "keine_antwort"


class ReviewKind(LabeledEnum):
    """What a reply put on the coordinator's review list is."""

    GEGENVORSCHLAG = "gegenvorschlag"
    KOMMENTAR = "kommentar"
    VERTRETUNG = "vertretung"
    NICHT_VERBUCHT = "nicht_verbucht"


class MinutesKind(LabeledEnum):
    ERGEBNIS = "ergebnis"
    VERLAUF = "verlauf"


class MinutesStatus(LabeledEnum):
    ENTWURF = "entwurf"
    ZUR_GENEHMIGUNG = "zur_genehmigung"
    GENEHMIGT = "genehmigt"


class AttendanceStatus(LabeledEnum):
    ANWESEND = "anwesend"
    ENTSCHULDIGT = "entschuldigt"
    ABWESEND = "abwesend"
    GAST = "gast"


class DecisionResult(LabeledEnum):
    ANGENOMMEN = "angenommen"
    ABGELEHNT = "abgelehnt"
    VERTAGT = "vertagt"


class StandingItem(LabeledEnum):
    """Items every meeting of a series gets by itself."""

    PROTOKOLL = "protokoll"
    AUFGABEN = "aufgaben"
    VERSCHIEDENES = "verschiedenes"


class CardKind(LabeledEnum):
    IDEE = "idee"
    ERKENNTNIS = "erkenntnis"
    FRAGE = "frage"


class SurveyAudience(LabeledEnum):
    ORGANISATIONEN = "organisationen"
    BUERGER = "buerger"
    ANDERE = "andere"


class SurveyStatus(LabeledEnum):
    ENTWURF = "entwurf"
    LAEUFT = "laeuft"
    ABGESCHLOSSEN = "abgeschlossen"


class QuestionType(LabeledEnum):
    EINFACH = "einfach"
    MEHRFACH = "mehrfach"
    SKALA = "skala"
    JA_NEIN = "ja_nein"
    ZAHL = "zahl"
    DATUM = "datum"
    TEXT = "text"

    @property
    def has_options(self) -> bool:
        """Answers are chosen from the question's options (yes/no has the two fixed ones)."""
        return self in (QuestionType.EINFACH, QuestionType.MEHRFACH, QuestionType.JA_NEIN)

    @property
    def is_numeric(self) -> bool:
        return self in (QuestionType.SKALA, QuestionType.ZAHL)


class ResponseSource(LabeledEnum):
    PAPIER = "papier"
    KIOSK = "kiosk"
    IMPORT = "import"


class MeasureStatus(LabeledEnum):
    GEPLANT = "geplant"
    LAUFEND = "laufend"
    ABGESCHLOSSEN = "abgeschlossen"
    PAUSIERT = "pausiert"


# First entry is the label shown to users; the rest are accepted spellings when importing.
_LABELS: dict[str, dict[str, tuple[str, ...]]] = {
    "Sector": {
        "zivilgesellschaft": ("Zivilgesellschaft", "ZG", "Bürgergesellschaft", "Ehrenamt"),
        "verwaltung": ("Verwaltung", "Kommune", "Stadtverwaltung", "öffentliche Hand"),
        "wirtschaft": ("Wirtschaft", "Unternehmen"),
        "wissenschaft": ("Wissenschaft", "Forschung", "Hochschule"),
        "politik": ("Politik", "Stadtrat", "Kommunalpolitik"),
    },
    "OrganisationKind": {
        "verein": ("Verein", "e.V.", "eV"),
        "freiwilligenagentur": (
            "Freiwilligenagentur/-zentrum",
            "Freiwilligenagentur",
            "Freiwilligenzentrum",
        ),
        "kommunalverwaltung": ("Kommunalverwaltung", "Verwaltung", "Stadtverwaltung"),
        "unternehmen": ("Unternehmen", "Firma", "Betrieb"),
        "stiftung": ("Stiftung",),
        "hochschule": ("Hochschule", "Universität", "Uni", "Fachhochschule"),
        "initiative": ("Initiative", "Bürgerinitiative"),
        "sonstige": ("Sonstige", "Sonstiges", "andere"),
    },
    "GroupKind": {
        "konsortium": ("Konsortium/Steuerungsgruppe", "Konsortium", "Steuerungsgruppe"),
        "arbeitskreis": ("Arbeitskreis", "AK", "Arbeitsgruppe", "AG"),
        "projektgruppe": ("Projektgruppe", "Projekt"),
        "netzwerk": ("Netzwerk",),
    },
    "GroupRole": {
        "sprecher": ("Sprecher:in", "Sprecher", "Sprecherin", "SprecherIn", "Vorsitz"),
        "koordination": ("Koordination", "Koordinator", "Koordinatorin"),
        "mitglied": ("Mitglied",),
        "schirmherrschaft": ("Schirmherrschaft", "Schirmherr", "Schirmherrin"),
        "gast": ("Gast",),
    },
    "ConsentPurpose": {
        "einladungen": ("Einladungen", "Einladung"),
        "kontaktdaten_teilen": ("Kontaktdaten im Netzwerk teilen", "Kontaktdaten teilen"),
        "fotos": ("Fotos", "Foto"),
        "newsletter": ("Newsletter",),
        "offene_daten": (
            "Veröffentlichung in offenen Daten",
            "offene Daten",
            "Open Data",
            "Veröffentlichung",
        ),
        "informationen": (
            "Informationen der Koordinierungsstelle erhalten",
            "Informationen",
            "Rundmails",
        ),
    },
    "OfferKind": {
        "einmalig": ("einmalig", "einmal", "Einzeleinsatz"),
        "kurzzeitig": ("kurzzeitig", "befristet", "Projekt"),
        "regelmaessig": ("regelmäßig", "dauerhaft", "laufend"),
    },
    "OfferStatus": {
        "offen": ("offen", "gesucht"),
        "besetzt": ("besetzt", "vergeben"),
        "abgelaufen": ("abgelaufen",),
    },
    "HoursPeriod": {
        "insgesamt": ("insgesamt", "gesamt", "einmalig"),
        "woche": ("pro Woche", "Woche", "wöchentlich"),
        "monat": ("pro Monat", "Monat", "monatlich"),
    },
    "Suitability": {
        "jugendliche": ("für Jugendliche", "Jugendliche", "jung"),
        "aeltere": ("für Ältere", "Ältere", "Senioren", "Seniorinnen"),
        "familien": ("für Familien", "Familien", "mit Kindern"),
        "barrierefrei": ("barrierefrei", "rollstuhlgerecht"),
        "ohne_deutsch": (
            "ohne Deutschkenntnisse möglich",
            "ohne Deutschkenntnisse",
            "ohne Deutsch",
        ),
        "ohne_vorkenntnisse": ("ohne Vorkenntnisse", "keine Vorkenntnisse"),
        "abends_wochenende": ("abends oder am Wochenende", "abends", "Wochenende"),
    },
    "CircularState": {
        "geplant": ("geplant", "offen"),
        "sendet": ("wird gesendet",),
        "gesendet": ("gesendet", "versandt"),
        "fehlgeschlagen": ("fehlgeschlagen", "Fehler"),
        "unklar": ("Zustellung unklar", "unklar"),
    },
    "ConsentChannel": {
        "formular": ("Formular", "schriftlich", "Papier"),
        "email": ("E-Mail", "Mail", "Email"),
        "muendlich": ("mündlich", "telefonisch", "persönlich"),
        "import": ("Import", "Liste"),
    },
    "PrivacyRequestKind": {
        "auskunft": ("Auskunft (Art. 15 DSGVO)", "Auskunft", "Art. 15"),
        "loeschung": ("Löschung (Art. 17 DSGVO)", "Löschung", "Art. 17"),
        "berichtigung": ("Berichtigung (Art. 16 DSGVO)", "Berichtigung", "Art. 16"),
        "einschraenkung": (
            "Einschränkung der Verarbeitung (Art. 18 DSGVO)",
            "Einschränkung",
            "Art. 18",
        ),
        "widerspruch": ("Widerspruch (Art. 21 DSGVO)", "Widerspruch", "Art. 21"),
    },
    "LegalBasis": {
        "einwilligung": ("Einwilligung (Art. 6 Abs. 1 lit. a DSGVO)", "Einwilligung"),
        "vertrag": ("Vertrag (Art. 6 Abs. 1 lit. b DSGVO)", "Vertrag"),
        "berechtigtes_interesse": (
            "Berechtigtes Interesse (Art. 6 Abs. 1 lit. f DSGVO)",
            "berechtigtes Interesse",
        ),
        "oeffentliche_aufgabe": (
            "Öffentliche Aufgabe (Art. 6 Abs. 1 lit. e DSGVO)",
            "öffentliche Aufgabe",
        ),
    },
    "Channel": {
        "email": ("E-Mail", "Mail", "Email"),
        "post": ("Post", "Brief"),
        "telefon": ("Telefon", "Anruf"),
        "keine": ("keine Einladungen", "keine", "nein"),
    },
    "MeetingKind": {
        "konsortiumssitzung": ("Konsortiumssitzung", "Konsortium", "Steuerungsgruppe"),
        "arbeitskreis": ("Arbeitskreis", "AK"),
        "werkstatt": ("Werkstatt", "Workshop", "Entwicklungswerkstatt"),
        "netzwerktreffen": ("Netzwerktreffen", "Netzwerk"),
        "sonstiges": ("Sonstiges", "Sonstige"),
    },
    "MeetingStatus": {
        "geplant": ("geplant",),
        "eingeladen": ("eingeladen",),
        "durchgefuehrt": ("durchgeführt",),
        "abgesagt": ("abgesagt",),
    },
    "ResponseStatus": {
        "eingeladen": ("eingeladen",),
        "zugesagt": ("zugesagt", "ACCEPTED"),
        "abgesagt": ("abgesagt", "DECLINED"),
        "vielleicht": ("vielleicht", "TENTATIVE"),
        "keine_antwort": ("keine Antwort", "NEEDS-ACTION"),
    },
    "ReviewKind": {
        "gegenvorschlag": ("Gegenvorschlag", "COUNTER"),
        "kommentar": ("Kommentar", "COMMENT"),
        "vertretung": ("Vertretung", "DELEGATED"),
        "nicht_verbucht": ("nicht verbucht",),
    },
    "MinutesKind": {
        "ergebnis": ("Ergebnisprotokoll", "Ergebnis"),
        "verlauf": ("Verlaufsprotokoll", "Verlauf"),
    },
    "MinutesStatus": {
        "entwurf": ("Entwurf",),
        "zur_genehmigung": ("zur Genehmigung",),
        "genehmigt": ("genehmigt",),
    },
    "AttendanceStatus": {
        "anwesend": ("anwesend", "da", "x"),
        "entschuldigt": ("entschuldigt", "e"),
        "abwesend": ("abwesend", "fehlt"),
        "gast": ("Gast",),
    },
    "DecisionResult": {
        "angenommen": ("angenommen", "beschlossen"),
        "abgelehnt": ("abgelehnt",),
        "vertagt": ("vertagt",),
    },
    "StandingItem": {
        "protokoll": ("Genehmigung des Protokolls der letzten Sitzung",),
        "aufgaben": ("Offene Aufgaben",),
        "verschiedenes": ("Verschiedenes",),
    },
    "CardKind": {
        "idee": ("Idee",),
        "erkenntnis": ("Erkenntnis",),
        "frage": ("Offene Frage", "Frage"),
    },
    "SurveyAudience": {
        "organisationen": ("Organisationen und Vereine", "Organisationen", "Vereine"),
        "buerger": ("Bürgerinnen und Bürger", "Bürger", "Bürgerschaft", "Einwohner"),
        "andere": ("andere Gruppe", "andere", "Sonstige"),
    },
    "SurveyStatus": {
        "entwurf": ("Entwurf",),
        "laeuft": ("läuft", "laufend", "offen"),
        "abgeschlossen": ("abgeschlossen", "beendet", "geschlossen"),
    },
    "QuestionType": {
        "einfach": ("Einfachauswahl", "eine Antwort", "single"),
        "mehrfach": ("Mehrfachauswahl", "mehrere Antworten", "multiple"),
        "skala": ("Skala", "Bewertung", "scale"),
        "ja_nein": ("Ja/Nein", "janein", "yesno"),
        "zahl": ("Zahl", "number"),
        "datum": ("Datum", "date"),
        "text": ("Freitext", "Text"),
    },
    "ResponseSource": {
        "papier": ("Papier", "Papierbogen"),
        "kiosk": ("Kiosk", "Laptop"),
        "import": ("Import", "Online"),
    },
    "MeasureStatus": {
        "geplant": ("geplant", "Planung"),
        "laufend": ("laufend", "läuft", "in Arbeit"),
        "abgeschlossen": ("abgeschlossen", "erledigt", "fertig"),
        "pausiert": ("pausiert", "ruht"),
    },
    "Bundesland": {
        "BW": ("Baden-Württemberg",),
        "BY": ("Bayern",),
        "BE": ("Berlin",),
        "BB": ("Brandenburg",),
        "HB": ("Bremen",),
        "HH": ("Hamburg",),
        "HE": ("Hessen",),
        "MV": ("Mecklenburg-Vorpommern",),
        "NI": ("Niedersachsen",),
        "NW": ("Nordrhein-Westfalen", "NRW"),
        "RP": ("Rheinland-Pfalz",),
        "SL": ("Saarland",),
        "SN": ("Sachsen",),
        "ST": ("Sachsen-Anhalt",),
        "SH": ("Schleswig-Holstein",),
        "TH": ("Thüringen",),
    },
}

#: The two sectors whose cooperation the programme is built on.
CORE_SECTORS = (Sector.ZIVILGESELLSCHAFT, Sector.VERWALTUNG)
