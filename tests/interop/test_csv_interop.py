"""The CSV export reads back with Python's csv module and `;`, as German Excel reads it.

The file is the golden fixture that QuartierCoreTests compares with GermanCSV.write.
"""
import csv
from pathlib import Path

FIXTURE = Path(__file__).parent / "fixtures" / "export.csv"


def test_export_reads_back_with_semicolons():
    raw = FIXTURE.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    with FIXTURE.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows == [
        ["Name", "Organisation", "E-Mail", "Telefon", "Notiz"],
        ["Ayşe Yılmaz-Schäfer", "Mieterbeirat; Haus 3", "ayse@example.org", "+49 6421 1234", 'sagt "hallo"\nzweite Zeile'],
        ["Jürgen Groß", "Kita Sonnenschein", "", "", "'=1+1"],
    ]
