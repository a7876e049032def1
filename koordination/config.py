"""Settings: an optional TOML file plus ``KOORDINATION_*`` environment variables."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass

from koordination.errors import KoordinationError
from koordination.paths import config_file


@dataclass(frozen=True)
class Settings:
    database: str | None = None
    user_name: str = ""
    #: Where the open-data export (OParl) is published; the objects' ids are URLs under it.
    oparl_base_url: str = ""
    #: Where exports go (``paths.exports_dir`` applies the default); "" when not set.
    exports_dir: str = ""

    @property
    def who(self) -> str:
        """The coordinator's name, or the system user when none is configured."""
        if self.user_name:
            return self.user_name
        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return "unbekannt"


def load_settings() -> Settings:
    path = config_file()
    values: dict[str, object] = {}
    if path.exists():
        import tomllib  # only with a settings file: most starts have none

        try:
            values = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise KoordinationError(
                f"Die Einstellungsdatei {path} ist fehlerhaft: {exc}. "
                "Bitte korrigieren oder löschen."
            ) from exc
    database = os.environ.get("KOORDINATION_DB") or values.get("database")
    user = os.environ.get("KOORDINATION_USER") or values.get("user_name") or ""
    oparl = os.environ.get("KOORDINATION_OPARL_BASE_URL") or values.get("oparl_base_url") or ""
    exports = os.environ.get("KOORDINATION_EXPORTS") or values.get("exports_dir") or ""
    return Settings(
        database=str(database) if database else None,
        user_name=str(user),
        oparl_base_url=str(oparl).strip(),
        exports_dir=str(exports).strip(),
    )
