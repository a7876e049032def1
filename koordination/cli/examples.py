"""The examples every command's ``--help`` ends with, by the command's words.

A command without an entry here (and without ``examples=`` where it is registered) fails
``tests/cli/test_help.py``: a new command brings its examples along.
"""

from __future__ import annotations

EXAMPLES: dict[str, tuple[str, ...]] = {
    "db": ("koordination db current", "koordination db backup sicherung.sqlite3"),
    "db upgrade": ("koordination db upgrade",),
    "db current": ("koordination db current",),
    "db backup": ("koordination db backup ~/Sicherungen/koordination-2026-09-01.sqlite3",),
    "db restore": ("koordination db restore ~/Sicherungen/koordination-2026-09-01.sqlite3",),
    "db auto-backup": (
        "koordination db auto-backup on --keep 14",
        "koordination db auto-backup run   # täglich per cron",
    ),
    "people": ("koordination people list --search Müller", "koordination people show 12"),
    "people list": (
        "koordination people list --group 'AK Stadtteilarbeit'",
        "koordination people list --sector Verwaltung --json",
    ),
    "people show": ("koordination people show 12",),
    "people export-data": (
        "koordination people export-data 12 --format pdf",
        "koordination people export-data 12 --format docx --anfrage-von 'die Person, Brief'",
    ),
    "people erase": (
        "koordination people erase 12",
        "koordination people erase 12 --yes --masken ablehnen --anfrage-von 'die Person, E-Mail'",
    ),
    "people restrict": ("koordination people restrict 12 --grund 'Richtigkeit bestritten'",),
    "people unrestrict": ("koordination people unrestrict 12",),
    "people object": (
        "koordination people object 12 --bereich Fotos --grund 'nicht im Jahresbericht'",
        "koordination people object 12 --widerspruch 3 --ergebnis stattgegeben",
    ),
    "people consent": (
        "koordination people consent texts",
        "koordination people consent add 12 --zweck Einladungen --version 2026-01 "
        "--kanal Formular --nachweis 'Anmeldebogen Nr. 12'",
    ),
    "people consent texts": ("koordination people consent texts --zweck Fotos",),
    "people consent text-add": (
        "koordination people consent text-add --zweck Fotos --version 2026-01 --ab 01.01.2026 "
        "--datei fotos-2026.txt",
    ),
    "people consent add": (
        "koordination people consent add 12 --zweck Einladungen --version 2026-01 "
        "--kanal Formular --nachweis 'Anmeldebogen Nr. 12'",
    ),
    "people consent withdraw": (
        "koordination people consent withdraw 12 --zweck Fotos --kanal E-Mail",
    ),
    "people art14-informed": (
        "koordination people list --art14-offen",
        "koordination people art14-informed 31 32 --am 01.12.2026",
    ),
    "organisations": ("koordination organisations list --sector Wirtschaft",),
    "organisations list": (
        "koordination organisations list --search Sportverein",
        "koordination organisations list --archived",
    ),
    "groups": ("koordination groups list",),
    "groups list": ("koordination groups list --search AK",),
    "import": (
        "koordination import people mitglieder.csv --dry-run",
        "koordination import organisations vereine.csv --update-existing",
    ),
    "retention": ("koordination retention preview", "koordination retention run"),
    "retention preview": ("koordination retention preview",),
    "retention run": ("koordination retention run --yes",),
    "retention set": (
        "koordination retention set guests 24",
        "koordination retention set inactive_people off",
    ),
    "audit": ("koordination audit --record person:12", "koordination audit -o verlauf.csv"),
    "meetings": ("koordination meetings list --from 01.09.2026",),
    "meetings list": (
        "koordination meetings list --from 01.09.2026 --to 31.12.2026",
        "koordination meetings list --group 'AK Stadtteilarbeit'",
    ),
    "meetings show": ("koordination meetings show 3",),
    "meetings add": (
        "koordination meetings add 'Sprechstunde' --start '15.12.2026 16:00' --end 17:00",
        "koordination meetings add 'AK Stadtteilarbeit' --start '08.12.2026 18:00' --end 20:00 "
        "--group 'AK Stadtteilarbeit' --room 'Saal 2' --monthly",
    ),
    "invite": (
        "koordination invite 3 --group 'AK Stadtteilarbeit' --dry-run",
        "koordination invite 3 --send",
    ),
    "cancel": ("koordination cancel 3 --occurrence 13.10.2026",),
    "feed": ("koordination feed -o termine.ics",),
    "replies": ("koordination replies import antworten/", "koordination replies fetch"),
    "replies import": ("koordination replies import ~/Mail/koordination/",),
    "replies fetch": ("koordination replies fetch",),
    "replies list": ("koordination replies list --offen", "koordination replies list --json"),
    "replies accept": ("koordination replies list --offen", "koordination replies accept 4"),
    "replies dismiss": ("koordination replies dismiss 4",),
    "replies invite-delegate": (
        "koordination replies invite-delegate 5",
        "koordination replies invite-delegate 5 --person 112",
    ),
    "caldav": ("koordination caldav publish --all",),
    "caldav publish": (
        "koordination caldav publish --meeting 3",
        "koordination caldav publish --all",
    ),
    "agenda": ("koordination agenda export 3 --format pdf",),
    "agenda export": ("koordination agenda export 3 --occurrence 13.10.2026 --format docx",),
    "minutes": ("koordination minutes export 3 --format odt",),
    "minutes export": (
        "koordination minutes export 3 --occurrence 13.10.2026 --format pdf",
        "koordination minutes export 3 --format docx -o protokoll.docx",
    ),
    "minutes archive": ("koordination minutes archive --group 'AK Stadtteilarbeit' --year 2026",),
    "minutes send": (
        "koordination minutes send 1 --occurrence 08.09.2026 --dry-run",
        "koordination minutes send 3",
    ),
    "attendance": ("koordination attendance export 3 --format pdf",),
    "attendance export": ("koordination attendance export 3 --occurrence 13.10.2026 --format pdf",),
    "tasks": ("koordination tasks list --open",),
    "tasks list": ("koordination tasks list --open", "koordination tasks list --person 12 --json"),
    "workshop": ("koordination workshop report 5 --format pdf",),
    "workshop report": ("koordination workshop report 5 --format docx",),
    "surveys": ("koordination surveys list", "koordination surveys results 1 --format pdf"),
    "surveys list": ("koordination surveys list --json",),
    "surveys import-responses": (
        "koordination surveys import-responses 1 antworten.csv --dry-run",
    ),
    "surveys results": (
        "koordination surveys results 1 --format pdf",
        "koordination surveys results 2 --compare 1 --format docx",
    ),
    "surveys questionnaire": ("koordination surveys questionnaire 1 --format pdf",),
    "surveys publish": ("koordination surveys publish 1",),
    "surveys kiosk": ("koordination surveys kiosk 1",),
    "fields": ("koordination fields list",),
    "fields list": ("koordination fields list --json",),
    "check": ("koordination check eligibility",),
    "check eligibility": ("koordination check eligibility --json",),
    "steckbrief": ("koordination steckbrief --format pdf",),
    "report": ("koordination report annual --year 2026 --format pdf",),
    "report annual": ("koordination report annual --year 2026 --format docx",),
    "export": (
        "koordination export people --format csv -o personen.csv",
        "koordination export oparl -o oparl/",
    ),
    "config": ("koordination config show", "koordination config init"),
    "config show": ("koordination config show",),
    "config init": ("koordination config init",),
    "password": ("koordination password set smtp",),
    "password set": ("koordination password set smtp", "koordination password set imap"),
    "rundmail": (
        "koordination rundmail send --to 'gruppe:AK Stadtteilarbeit' --subject 'Stadtteilfest' "
        "--text rundmail.md --dry-run",
        "koordination rundmail list",
    ),
    "rundmail send": (
        "koordination rundmail send --to 'gruppe:AK Stadtteilarbeit' --to sektor:Wirtschaft "
        "--subject 'Helfende für das Stadtteilfest' --text rundmail.md --dry-run",
        "koordination rundmail send --to alle --subject 'Neuigkeiten aus dem Netzwerk' "
        "--text neuigkeiten.md --attach Programm.pdf --persoenlich",
    ),
    "rundmail list": ("koordination rundmail list", "koordination rundmail list --json"),
    "rundmail show": ("koordination rundmail show 3",),
    "rundmail resume": ("koordination rundmail resume 3",),
    "reminders": ("koordination reminders list", "koordination reminders run --quiet"),
    "reminders run": (
        "koordination reminders run --dry-run",
        "koordination reminders run --quiet  # täglich aus cron",
    ),
    "reminders list": ("koordination reminders list", "koordination reminders list --json"),
    "reminders days": (
        "koordination reminders days",
        "koordination reminders days --group 'AK Stadtteilarbeit' 3",
        "koordination reminders days --aufgaben 5",
    ),
    "mail": ("koordination mail test ihre.adresse@musterstadt.de",),
    "mail test": ("koordination mail test ihre.adresse@musterstadt.de",),
}
