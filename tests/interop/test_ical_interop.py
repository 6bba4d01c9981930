"""The iCalendar export parses with Python's icalendar, values unescaped and times in Europe/Berlin.

The file is the golden fixture that QuartierCoreTests compares with ICalendar.rendered, so a change in the
Swift rendering shows up there first and must be written anew (QUARTIER_UPDATE_FIXTURES=1) to pass both.
"""
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar

FIXTURE = Path(__file__).parent / "fixtures" / "meetings.ics"
BERLIN = ZoneInfo("Europe/Berlin")
SUMMER_UID = "meeting-3f2b1c0d-5e6f-4a7b-8c9d-0e1f2a3b4c5d@quartier"
WINTER_UID = "meeting-9a8b7c6d-5e4f-4321-8765-0fedcba98765@quartier"


def load():
    raw = FIXTURE.read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b""), "lines must end in CRLF"
    assert all(len(line) <= 75 for line in raw.split(b"\r\n")), "lines must be folded at 75 octets"
    calendar = icalendar.Calendar.from_ical(raw)
    assert calendar.errors == []
    return calendar


def events():
    return {str(event["UID"]): event for event in load().walk("VEVENT")}


def test_calendar_header():
    calendar = load()
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == "-//Quartier//Quartiersmanagement//DE"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert list(events()) == [SUMMER_UID, WINTER_UID]


def test_text_values_are_unescaped():
    summer = events()[SUMMER_UID]
    assert str(summer["SUMMARY"]) == "Sitzung des Mieterbeirats Süd, öffentlich"
    assert str(summer["DESCRIPTION"]) == (
        "Tagesordnung:\n1. Begrüßung; Protokoll\n2. Hof & Spielplatz\nUnterlagen: \\\\server\\beirat"
    )
    assert str(summer["LOCATION"]) == "Stadtteilbüro Richtsberg, Raum 1.02"
    assert str(summer["URL"]) == "https://quartier.example/committees/mieterbeirat/meetings/12"
    winter = events()[WINTER_UID]
    assert str(winter["SUMMARY"]) == "Stadtteilkonferenz Grünes Viertel, Jahresplanung"
    assert str(winter["DESCRIPTION"]).endswith("folgt über den Verteiler der Stadtteilkonferenz.")


def test_times_are_berlin_wall_clock_times_of_the_right_moments():
    summer, winter = events()[SUMMER_UID], events()[WINTER_UID]
    start = summer.decoded("DTSTART")
    assert start.astimezone(timezone.utc) == datetime(2026, 6, 15, 17, 0, tzinfo=timezone.utc)
    assert start.astimezone(BERLIN).replace(tzinfo=None) == datetime(2026, 6, 15, 19, 0)
    assert summer.decoded("DTEND").astimezone(BERLIN).replace(tzinfo=None) == datetime(2026, 6, 15, 21, 0)
    start = winter.decoded("DTSTART")
    assert start.astimezone(timezone.utc) == datetime(2026, 12, 3, 17, 30, tzinfo=timezone.utc)
    assert start.astimezone(BERLIN).replace(tzinfo=None) == datetime(2026, 12, 3, 18, 30)
    assert summer.decoded("DTSTAMP") == datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
    assert summer.decoded("LAST-MODIFIED") == datetime(2026, 6, 1, 8, 15, tzinfo=timezone.utc)


def test_the_embedded_time_zone_alone_gives_the_berlin_offsets():
    # Readers without a time-zone database (Outlook among them) go by the VTIMEZONE, not by its name.
    (vtimezone,) = load().walk("VTIMEZONE")
    assert str(vtimezone["TZID"]) == "Europe/Berlin"
    embedded = vtimezone.to_tz(lookup_tzid=False)
    for wall_clock in [
        datetime(2026, 3, 29, 1, 59), datetime(2026, 3, 29, 3, 0), datetime(2026, 6, 15, 19, 0),
        datetime(2026, 10, 25, 3, 30), datetime(2026, 12, 3, 18, 30), datetime(2031, 3, 30, 12, 0),
    ]:
        assert wall_clock.replace(tzinfo=embedded).utcoffset() == wall_clock.replace(tzinfo=BERLIN).utcoffset()


def test_status_and_sequence():
    summer, winter = events()[SUMMER_UID], events()[WINTER_UID]
    assert str(summer["STATUS"]) == "CONFIRMED"
    assert summer.decoded("SEQUENCE") == 0
    assert str(winter["STATUS"]) == "CANCELLED"
    assert winter.decoded("SEQUENCE") == 2
