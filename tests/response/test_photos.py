"""Report photos: nothing of their metadata survives, their type is read from their
content, their size is checked, and they are served only to people who may see the
report, never from a public folder."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms

from assembly.errors import ActionError
from response import actions, photos
from response.models import Report
from tests.conftest import client_for
from tests.response.conftest import file, photo_bytes, seen

pytestmark = pytest.mark.django_db

SECRET_MAKE = "SecretPhoneCam"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    b'22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
    b'exif:GPSLatitude="40,44.1N"/></rdf:RDF></x:xmpmeta>'
)


def telltale_jpeg(size=(80, 40), orientation=None):
    """A JPEG with everything a phone puts in one: GPS position, device, time, XMP, an
    ICC profile and a comment. Left half red, right half blue."""
    image = Image.new("RGB", size, (220, 20, 20))
    image.paste((20, 20, 220), (size[0] // 2, 0, size[0], size[1]))
    exif = Image.Exif()
    exif[0x010F] = SECRET_MAKE  # Make
    exif[0x0110] = "Model X"  # Model
    exif[0x0132] = "2026:11:30 07:15:00"  # DateTime
    if orientation:
        exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (40.0, 44.0, 6.0)
    gps[3] = "W"
    gps[4] = (73.0, 59.0, 21.0)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, icc_profile=icc, comment=b"taken at home", xmp=XMP)
    return out.getvalue()


def stored(report):
    report.refresh_from_db()
    return Path(settings.MEDIA_ROOT, report.photo.name).read_bytes()


def test_the_test_photo_really_carries_metadata():
    data = telltale_jpeg()
    with Image.open(io.BytesIO(data)) as image:
        assert image.getexif()[0x010F] == SECRET_MAKE
        assert image.getexif().get_ifd(0x8825)[1] == "N"
        assert "icc_profile" in image.info and "xmp" in image.info
    assert SECRET_MAKE.encode() in data and b"GPSLatitude" in data


def test_every_piece_of_metadata_is_stripped(crew):
    report = file(crew, photo=SimpleUploadedFile("me.jpg", telltale_jpeg(), "image/jpeg"))
    data = stored(report)
    for telltale in (SECRET_MAKE.encode(), b"Model X", b"2026:11:30", b"Exif", b"GPSLatitude",
                     b"xmpmeta", b"taken at home", b"ICC_PROFILE"):  # fmt: skip
        assert telltale not in data, telltale
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert len(image.getexif()) == 0
        assert not {"exif", "icc_profile", "xmp", "comment"} & set(image.info)
        assert image.size == (80, 40)
    # The file's name says nothing either.
    assert report.photo.name.startswith("reports/") and "me" not in report.photo.name[8:]


def test_the_orientation_is_applied_not_dropped(crew):
    # Orientation 6: the camera was turned; viewers rotate 90° clockwise to show it.
    report = file(crew, photo=telltale_jpeg(size=(80, 40), orientation=6))
    with Image.open(io.BytesIO(stored(report))) as image:
        assert image.size == (40, 80)
        top, bottom = image.getpixel((20, 10)), image.getpixel((20, 70))
    assert top[0] > 150 and top[2] < 100  # red on top after turning clockwise
    assert bottom[2] > 150 and bottom[0] < 100


def test_png_and_webp_are_accepted_and_kept_as_plain_jpeg(crew):
    rgba = io.BytesIO()
    Image.new("RGBA", (30, 30), (0, 0, 0, 0)).save(rgba, "PNG")
    report = file(crew, photo=rgba.getvalue())
    with Image.open(io.BytesIO(stored(report))) as image:
        assert image.format == "JPEG" and image.getpixel((5, 5))[0] > 240  # over white
    report = file(crew, photo=photo_bytes("WEBP"))
    assert report.photo_width == 64 and report.photo_height == 48


def test_big_photos_are_made_smaller(crew):
    report = file(crew, photo=photo_bytes("JPEG", size=(4000, 1000)))
    assert (report.photo_width, report.photo_height) == (2048, 512)


@pytest.mark.parametrize(
    "name,data",
    [
        ("report.jpg", b"this is not a picture at all"),
        ("report.jpg", b"%PDF-1.4\n1 0 obj<<>>endobj\n"),
        ("report.jpg", photo_bytes("GIF")),
        ("report.png", photo_bytes("BMP")),
        ("report.jpg", photo_bytes("JPEG")[:200]),  # cut off
        ("report.jpg", b""),
    ],
)
def test_the_type_is_read_from_the_content(crew, name, data):
    with pytest.raises(ActionError, match="not a photo"):
        file(crew, photo=SimpleUploadedFile(name, data, "image/jpeg"))
    assert not Report.objects.exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.jpg"))


def test_too_many_pixels_is_refused_before_decoding(crew):
    bomb = io.BytesIO()
    Image.new("1", (8000, 6000)).save(bomb, "PNG")  # 48 megapixels in a few kilobytes
    assert len(bomb.getvalue()) < 100_000
    with pytest.raises(ActionError, match="too many pixels"):
        file(crew, photo=bomb.getvalue())


def test_too_large_a_file_is_refused_without_reading_it(crew):
    class Huge:
        size = photos.MAX_BYTES + 1

        def read(self, *args):
            raise AssertionError("a file over the limit must not be read")

    with pytest.raises(ActionError, match="too large"):
        file(crew, photo=Huge())
    data = photo_bytes() + b"\0" * (photos.MAX_BYTES)
    with pytest.raises(ActionError, match="too large"):
        file(crew, photo=SimpleUploadedFile("x.jpg", data, "image/jpeg"))


def test_a_photo_through_the_form(crew):
    client = client_for(crew, "member")
    response = client.post(
        "/a/eastside/reports/new/",
        {
            "seen_at": seen().strftime("%Y-%m-%dT%H:%M"),
            "place": "Bus stop on 3rd",
            "agents": "3",
            "photo": SimpleUploadedFile("IMG_0001.HEIC.jpg", telltale_jpeg(), "image/jpeg"),
        },
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert SECRET_MAKE.encode() not in stored(report)
    bad = client.post(
        "/a/eastside/reports/new/",
        {"seen_at": seen().strftime("%Y-%m-%dT%H:%M"), "place": "Elsewhere",
         "photo": SimpleUploadedFile("x.jpg", b"<script>", "image/jpeg")},
    )  # fmt: skip
    assert bad.status_code == 400
    assert "not a photo" in bad.content.decode()
    assert Report.objects.count() == 1


def photo_url(report):
    return f"/a/eastside/reports/{report.pk}/photo/"


def test_the_photo_is_served_only_to_who_may_see_the_report(crew):
    report = file(crew, photo=telltale_jpeg())
    # The verifiers and the reporter; signed out, the login page first (it names nothing).
    expected = {"verifier": 200, "member": 200, "anonymous": 302}
    for who in ["anonymous", "nobody", "other", "suspended", "member", "member2", "facilitator",
                "steward", "rrlead", "verifier"]:  # fmt: skip
        response = client_for(crew, who).get(photo_url(report))
        assert response.status_code == expected.get(who, 404), who
        if response.status_code == 200:
            assert response["Content-Type"] == "image/jpeg"
            assert response["Cache-Control"] == "no-store, private"
            assert b"".join(response.streaming_content) == stored(report)
    actions.confirm_report(crew.verifier, report)
    actions.confirm_report(crew.verifier2, report)
    assert client_for(crew, "member2").get(photo_url(report)).status_code == 200
    assert client_for(crew, "other").get(photo_url(report)).status_code == 404
    page = client_for(crew, "member2").get(f"/a/eastside/reports/{report.pk}/").content.decode()
    assert f'src="{photo_url(report)}"' in page


def test_a_false_reports_photo_is_not_shown_to_members(crew):
    report = file(crew, photo=telltale_jpeg())
    actions.mark_report(crew.verifier, report, status="false", note="Not agents")
    actions.publish_debunk(crew.verifier, report, text="Those were city workers.")
    assert client_for(crew, "member2").get(f"/a/eastside/reports/{report.pk}/").status_code == 200
    assert client_for(crew, "member2").get(photo_url(report)).status_code == 404
    assert client_for(crew, "verifier2").get(photo_url(report)).status_code == 200


def test_photos_are_not_in_a_public_folder(crew):
    report = file(crew, photo=telltale_jpeg())
    name = report.photo.name
    assert not str(Path(settings.MEDIA_ROOT).resolve()).startswith(
        str(Path(settings.STATIC_ROOT).resolve())
    )
    for prefix in ("/media/", "/static/", "/"):
        assert client_for(crew, "verifier").get(prefix + name).status_code == 404


def test_a_withdrawn_reports_photo_is_deleted(crew, django_capture_on_commit_callbacks):
    report = file(crew, photo=telltale_jpeg())
    path = Path(settings.MEDIA_ROOT, report.photo.name)
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        actions.withdraw_report(crew.member, report)
    assert not path.exists()
    assert client_for(crew, "member").get(photo_url(report)).status_code == 404
