"""The vCard export parses with Python's vobject, values unescaped and folded lines joined.

The file is the golden fixture that QuartierCoreTests compares with VCard.renderAll, so a change in the
Swift rendering shows up there first and must be written anew (QUARTIER_UPDATE_FIXTURES=1) to pass both.
"""
from pathlib import Path

import vobject

FIXTURE = Path(__file__).parent / "fixtures" / "cards.vcf"


def load():
    raw = FIXTURE.read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b""), "lines must end in CRLF"
    assert all(len(line) <= 75 for line in raw.split(b"\r\n")), "lines must be folded at 75 octets"
    return list(vobject.readComponents(raw.decode("utf-8")))


def test_both_cards_parse_with_their_values():
    person, org = load()
    assert person.version.value == "4.0"
    assert person.uid.value == "urn:uuid:6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b"
    assert person.fn.value == "Ayşe Yılmaz-Schäfer"
    assert person.n.value.family == "Yılmaz-Schäfer"
    assert person.n.value.given == "Ayşe"
    assert person.org.value == ["Mieterbeirat Stadtwald; Haus 3"]
    assert person.title.value == "Sprecherin, Vorstand"
    assert person.email.value == "ayse@example.org"
    assert [tel.value for tel in person.tel_list] == ["tel:+49642112345", "nur abends"]
    assert person.adr.value.street == "Am Richtsberg 12"
    assert person.adr.value.code == "35039"
    assert person.adr.value.city == "Marburg"
    assert person.categories.value == ["Wohnen", "Kinder, Jugend"]
    assert person.note.value == "Trifft man im Stadtteilbüro.\nBitte Rückruf C:\\Termine"
    assert person.rev.value == "20261127T120000Z"
    assert org.kind.value == "org"
    assert org.fn.value == "Kita Sonnenschein"
    assert org.note.value.startswith("Öffnungszeiten Mo–Fr 7:30–16:30 Uhr; Ansprechpartnerin")
    assert org.note.value.endswith("Elterncafé und das Stadtteilfest")
