"""A resident's phone photo loses its metadata before anybody sees it (Pillow reads the result).

Pillow writes a JPEG as a phone would: Exif with the camera, the time, the orientation and the GPS position of the
resident's door, plus a comment. It goes through the public concern form; staff fetch the stored photo, and Pillow
reads it: the same picture (size and pixels decode), upright as before (orientation kept), and nothing else of the
Exif block, no GPS, no comment. The same for a PNG with text chunks."""
from __future__ import annotations

import io
import re
import uuid

import requests
from PIL import Image, ExifTags

DEMO_PASSWORD = "quartier-demo"


def _phone_jpeg() -> bytes:
    image = Image.new("RGB", (40, 20), (200, 120, 40))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "QuartierFon"
    exif[ExifTags.Base.Model] = "QF 12"
    exif[ExifTags.Base.DateTime] = "2026:11:27 08:15:00"
    exif[ExifTags.Base.Artist] = "Rosa Beispiel"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (51.0, 27.0, 20.0),
        ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (7.0, 0.0, 42.0),
    }
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"Rosas Telefon")
    data = out.getvalue()
    # The photo as it leaves the phone really carries all of it.
    check = Image.open(io.BytesIO(data))
    assert check.getexif().get_ifd(ExifTags.IFD.GPSInfo), "the test photo has no GPS position"
    assert check.info.get("comment") == b"Rosas Telefon"
    return data


def _png_with_text() -> bytes:
    from PIL import PngImagePlugin
    image = Image.new("RGB", (10, 8), (20, 160, 90))
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Rosa Beispiel")
    info.add_itxt("GPS", "51.4556N 7.0116E")
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def _submit_concern(base_url: str, title: str, filename: str, photo: bytes, mime: str) -> None:
    resident = requests.Session()
    page = resident.get(base_url + "/anliegen/neu", timeout=30)
    token = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
    fields = {"_csrf": token, "title": title, "description": "An der Treppe fehlt ein Geländer.", "category": "wege",
              "address": "Am Beispielhang 7", "consent": "on", "language": "de"}
    answer = resident.post(base_url + "/anliegen/neu", data=fields, files={"photo": (filename, photo, mime)}, timeout=30,
                           allow_redirects=False)
    assert answer.status_code == 303, (answer.status_code, answer.text[:500])


def _stored_photo(base_url: str, title: str) -> bytes:
    staff = requests.Session()
    page = staff.get(base_url + "/anmelden", timeout=30)
    token = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
    staff.post(base_url + "/anmelden", data={"_csrf": token, "email": "team@stadtwald.example", "password": DEMO_PASSWORD}, timeout=30)
    listing = staff.get(base_url + "/verwaltung/anliegen", timeout=30).text
    match = re.search(r'href="/verwaltung/anliegen/([0-9A-Fa-f-]{36})"[^>]*>\s*' + re.escape(title), listing)
    assert match, "the new concern is not in the staff list"
    photo = staff.get(base_url + f"/anliegen/{match.group(1)}/foto", timeout=30)
    assert photo.status_code == 200
    return photo.content


def test_a_phone_jpeg_keeps_its_picture_and_orientation_and_loses_the_rest(base_url):
    title = f"Treppe mit Foto {uuid.uuid4().hex[:6]}"
    original = _phone_jpeg()
    _submit_concern(base_url, title, "treppe.jpg", original, "image/jpeg")
    stored = _stored_photo(base_url, title)
    image = Image.open(io.BytesIO(stored))
    image.load()
    assert image.format == "JPEG" and image.size == (40, 20)
    exif = image.getexif()
    assert dict(exif) == {ExifTags.Base.Orientation: 6}, dict(exif)
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert "comment" not in image.info
    for secret in (b"QuartierFon", b"Rosa", b"2026:11:27", b"GPS"):
        assert secret not in stored, secret
    # The picture's data is the phone's, byte for byte: only header segments were removed.
    scan = original.index(b"\xff\xda")
    assert stored.endswith(original[scan:])
    assert len(stored) < len(original)


def test_a_png_loses_its_text_chunks(base_url):
    title = f"Hof mit Foto {uuid.uuid4().hex[:6]}"
    _submit_concern(base_url, title, "hof.png", _png_with_text(), "image/png")
    stored = _stored_photo(base_url, title)
    image = Image.open(io.BytesIO(stored))
    image.load()
    assert image.format == "PNG" and image.size == (10, 8)
    assert image.getpixel((3, 3)) == (20, 160, 90)
    assert not image.text, image.text
    assert b"Rosa" not in stored and b"7.0116E" not in stored
