"""Dates as exports write them, read into ISO 8601 strings for typed literals.

>>> parse_date("Sat Nov 06 2021 01:18:08 GMT+0800 (Malaysia Time)")
('2021-11-06T01:18:08+08:00', 'dateTime')
>>> parse_date("November 5th, 2021")
('2021-11-05', 'date')
>>> parse_date("8/14/2023, 9:22:42 PM")
('2023-08-14T21:22:42', 'dateTime')
"""

from __future__ import annotations

import re
from datetime import date, datetime

MONTHS = {  # month names and their numbers ("sep", "sept", "september": 9)
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

# JavaScript Date.toString(): "Sat Nov 06 2021 01:18:08 GMT+0800 (Malaysia Time)"
_JS = re.compile(
    r"^(?:[A-Za-z]{3}\s+)?(?P<mon>[A-Za-z]{3})\s+(?P<day>\d{1,2})\s+(?P<year>\d{4})\s+"
    r"(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?\s*(?:GMT|UTC)?(?P<off>[+-]\d{2}:?\d{2})?(?:\s*\(.*\))?$"
)
# Roam daily page: "November 5th, 2021"
_ROAM_DAY = re.compile(r"^(?P<mon>[A-Za-z]+)\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,\s*(?P<year>\d{4})$")
# Neo4j CSV export: "8/14/2023, 9:22:42 PM"
_US = re.compile(
    r"^(?P<mon>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4}),?\s+(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?\s*(?P<ampm>[AaPp][Mm])?$"
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(
    r"^(?P<d>\d{4}-\d{2}-\d{2})[T ](?P<t>\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(?P<off>Z|[+-]\d{2}:?\d{2})?$"
)


def parse_date(text: str) -> tuple[str, str] | None:
    """Read a date or date-time; return ``(lexical form, 'date' | 'dateTime')`` or ``None`` if it is not one.

    Offsets are kept as written (a JavaScript date string carries the exporter's zone); a time without an offset
    stays a local time.
    """
    text = text.strip().strip('"').strip()
    if text.startswith("[[") and text.endswith("]]"):
        text = text[2:-2].strip()
    if not text:
        return None
    try:
        if match := _JS.match(text):
            month = MONTHS.get(match["mon"].lower())
            if month is None:
                return None
            value = datetime(
                int(match["year"]), month, int(match["day"]), int(match["h"]), int(match["m"]), int(match["s"] or 0)
            )
            return value.isoformat() + _offset(match["off"]), "dateTime"
        if match := _ROAM_DAY.match(text):
            month = MONTHS.get(match["mon"].lower())
            if month is None:
                return None
            return date(int(match["year"]), month, int(match["day"])).isoformat(), "date"
        if match := _US.match(text):
            hour = int(match["h"])
            if match["ampm"]:
                if not 1 <= hour <= 12:
                    return None
                hour = hour % 12 + (12 if match["ampm"].lower() == "pm" else 0)
            value = datetime(
                int(match["year"]), int(match["mon"]), int(match["day"]), hour, int(match["m"]), int(match["s"] or 0)
            )
            return value.isoformat(), "dateTime"
        if _ISO_DATE.match(text):
            return date.fromisoformat(text).isoformat(), "date"
        if match := _ISO_DATETIME.match(text):
            time = match["t"] if match["t"].count(":") == 2 else match["t"] + ":00"
            datetime.fromisoformat(f"{match['d']}T{time}")
            return f"{match['d']}T{time}{_offset(match['off'])}", "dateTime"
    except ValueError:
        return None
    return None


def is_daily_page(name: str) -> bool:
    """Whether a page name is a Roam daily page ("November 5th, 2021")."""
    return _ROAM_DAY.match(name.strip()) is not None and parse_date(name) is not None


def _offset(offset: str | None) -> str:
    if not offset:
        return ""
    if offset == "Z":
        return "Z"
    digits = offset.replace(":", "")
    return f"{digits[:3]}:{digits[3:]}"
