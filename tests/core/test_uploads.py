"""Uploads are judged by their content, limited in size, and images are re-encoded without EXIF."""

import errno
import io

import pytest
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.fields.files import FieldFile, FileField
from dsfr.forms import DsfrBaseForm
from PIL import Image

from relais.core.uploads import (
    MEGABYTE,
    PDF,
    PNG,
    FileSystemStorage,
    ImageUploadField,
    UploadField,
    file_response,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def jpeg_with_exif(size=(1600, 1200)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "Appareil du dirigeant"  # Make
    exif[0x0131] = "Logiciel du dirigeant"  # Software
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif)
    return output.getvalue()


class ProofForm(DsfrBaseForm):
    proof = UploadField(label="Justificatif", kinds=(PDF, PNG), max_bytes=MEGABYTE)


class LogoForm(DsfrBaseForm):
    logo = ImageUploadField(label="Logo", max_side=400)


def test_a_pdf_is_accepted_and_renamed_at_random():
    form = ProofForm(files={"proof": SimpleUploadedFile("mon kbis.pdf", PDF_BYTES, "application/pdf")})
    assert form.is_valid(), form.errors
    upload = form.cleaned_data["proof"]
    assert upload.kind == PDF
    assert upload.name.endswith(".pdf") and len(upload.name) == 36
    assert "kbis" not in upload.name


def test_a_file_whose_content_is_not_of_an_allowed_kind_is_refused_in_french():
    disguised = SimpleUploadedFile("facture.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf")
    form = ProofForm(files={"proof": disguised})
    assert not form.is_valid()
    assert form.errors["proof"] == [
        "Le fichier doit être au format PDF ou PNG : son contenu ne correspond à aucun de ces formats."
    ]


def test_a_file_too_large_is_refused_in_french():
    form = ProofForm(files={"proof": SimpleUploadedFile("a.pdf", PDF_BYTES + b"0" * MEGABYTE, "application/pdf")})
    assert not form.is_valid()
    assert form.errors["proof"] == ["Le fichier dépasse la taille maximale de 1 Mo."]


def test_an_image_is_resized_and_loses_its_exif():
    form = LogoForm(files={"logo": SimpleUploadedFile("photo.jpg", jpeg_with_exif(), "image/jpeg")})
    assert form.is_valid(), form.errors
    stored = default_storage.save("logos/" + form.cleaned_data["logo"].name, form.cleaned_data["logo"])
    with default_storage.open(stored) as file, Image.open(file) as image:
        assert max(image.size) == 400
        assert not image.getexif()


def test_a_truncated_image_is_refused():
    broken = jpeg_with_exif()[:300]
    form = LogoForm(files={"logo": SimpleUploadedFile("photo.jpg", broken, "image/jpeg")})
    assert not form.is_valid()
    assert form.errors["logo"] == ["L'image est illisible ou endommagée."]


@pytest.mark.parametrize("public", [False, True])
def test_file_response_sets_the_checked_type_and_caching(public):
    name = default_storage.save("proofs/x.pdf", SimpleUploadedFile("x.pdf", PDF_BYTES))

    field = FileField()
    field.storage = default_storage
    response = file_response(FieldFile(None, field, name), filename="justificatif.pdf", public=public)
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert 'filename="justificatif.pdf"' in response["Content-Disposition"]
    assert ("no-store" in response["Cache-Control"]) is not public


def test_a_full_disk_is_a_french_error_on_the_field_and_keeps_the_rest(monkeypatch):
    class Usage:
        free = 10

    monkeypatch.setattr("relais.core.uploads.shutil.disk_usage", lambda folder: Usage)
    form = ProofForm(data={}, files={"proof": SimpleUploadedFile("a.pdf", PDF_BYTES)})
    assert not form.is_valid()
    assert form.errors["proof"] == [
        "Le service ne peut pas enregistrer de fichier pour le moment : son espace de stockage est plein. "
        "Réessayez plus tard ; le reste de votre saisie est conservé."
    ]


def test_a_disk_that_fills_up_during_the_write_leaves_no_partial_file(settings, tmp_path):
    class FillsUp(File):
        def chunks(self, chunk_size=None):
            yield b"%PDF-1.4 premier morceau"
            raise OSError(errno.ENOSPC, "No space left on device")

    storage = FileSystemStorage(location=tmp_path / "media")
    with pytest.raises(OSError) as raised:
        storage.save("preuves/a.pdf", FillsUp(io.BytesIO(b""), name="a.pdf"))
    assert raised.value.errno == errno.ENOSPC
    assert list((tmp_path / "media" / "preuves").iterdir()) == []


def test_uploads_go_through_the_storage_that_cleans_up_after_a_full_disk():
    assert isinstance(default_storage, FileSystemStorage)
