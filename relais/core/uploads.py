"""Uploaded files (proofs, logos, CVs, attachments): checked by content, size-limited, stored out of static.

Every uploaded file goes to the default storage (`var/media/` in the embedded default, S3-compatible storage in
production, see the README) under a random name, and is served only through a view of the app that owns it, which
checks who may read it and answers with `file_response`. Images are re-encoded with Pillow: what is stored is
pixels we wrote, without EXIF (place, camera, owner) and never larger than asked.

A full disk is refused before anything is written when the form is checked (a French error on the field, the
rest of the form kept), and, if it fills up meanwhile, the partial file is removed and the error page (507) says
that nothing was stored; the caller's transaction rolls the row back.
"""

import contextlib
import errno
import io
import logging
import os
import shutil
import uuid
from dataclasses import dataclass

import filetype
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage as DjangoFileSystemStorage
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

MEGABYTE = 1024 * 1024
# Room kept free beyond the file itself: the file system needs some for its own records.
STORAGE_MARGIN_BYTES = MEGABYTE
STORAGE_FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT)


@dataclass(frozen=True)
class Kind:
    extension: str
    mime: str
    label: str


PDF = Kind("pdf", "application/pdf", "PDF")
PNG = Kind("png", "image/png", "PNG")
JPEG = Kind("jpg", "image/jpeg", "JPEG")
WEBP = Kind("webp", "image/webp", "WebP")
KINDS = {kind.mime: kind for kind in (PDF, PNG, JPEG, WEBP)}
IMAGES = (PNG, JPEG, WEBP)


def _labels(kinds) -> str:
    labels = [kind.label for kind in kinds]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " ou " + labels[-1]


def check_upload(upload, *, kinds, max_bytes: int) -> Kind:
    """The kind of `upload`, read from its first bytes (never from its name or the browser's word), or a French
    ValidationError when it is empty, too large or of another kind."""
    if upload.size == 0:
        raise ValidationError("Le fichier est vide.", code="empty")
    if upload.size > max_bytes:
        raise ValidationError(f"Le fichier dépasse la taille maximale de {max_bytes // MEGABYTE} Mo.", code="too_large")
    if not storage_has_room(upload.size):
        raise ValidationError(
            "Le service ne peut pas enregistrer de fichier pour le moment : son espace de stockage est plein. "
            "Réessayez plus tard ; le reste de votre saisie est conservé.",
            code="storage_full",
        )
    upload.seek(0)
    guessed = filetype.guess(upload.read(8192))
    upload.seek(0)
    kind = KINDS.get(guessed.mime) if guessed else None
    if kind not in kinds:
        raise ValidationError(
            f"Le fichier doit être au format {_labels(kinds)} : son contenu ne correspond à aucun de ces formats.",
            code="invalid_type",
        )
    return kind


def storage_has_room(size: int) -> bool:
    """False when the local folder of uploaded files cannot take `size` more bytes (object storage: always
    True, it does not fill up)."""
    if not isinstance(default_storage, DjangoFileSystemStorage):
        return True
    folder = os.path.abspath(default_storage.location)
    while not os.path.isdir(folder):
        folder = os.path.dirname(folder)
    if shutil.disk_usage(folder).free >= size + STORAGE_MARGIN_BYTES:
        return True
    logger.error("Espace disque insuffisant pour les fichiers déposés : un envoi de %s octets est refusé.", size)
    return False


class FileSystemStorage(DjangoFileSystemStorage):
    """Django's storage, which never leaves a partial file behind when the disk fills up during a write."""

    def _save(self, name, content):
        try:
            return super()._save(name, content)
        except OSError as error:
            if error.errno in STORAGE_FULL_ERRNOS:
                logger.error("Disque plein pendant l'écriture d'un fichier déposé : le fichier partiel est supprimé.")
                with contextlib.suppress(FileNotFoundError):
                    os.remove(self.path(name))
            raise


def reencode_image(upload, *, max_side: int) -> ContentFile:
    """A new PNG or JPEG of the image, at most `max_side` pixels wide and high, oriented, without metadata."""
    try:
        with Image.open(upload) as source:
            source.load()
            image = ImageOps.exif_transpose(source)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValidationError("L'image est illisible ou endommagée.", code="invalid_image") from error
    image.thumbnail((max_side, max_side))
    keep_alpha = image.mode in ("RGBA", "LA", "P")
    output = io.BytesIO()
    if keep_alpha:
        image.convert("RGBA").save(output, format="PNG", optimize=True)
        extension = PNG.extension
    else:
        image.convert("RGB").save(output, format="JPEG", quality=85, optimize=True)
        extension = JPEG.extension
    return ContentFile(output.getvalue(), name=f"image.{extension}")


def random_name(extension: str) -> str:
    """`<uuid>.<extension>`: names say nothing of the person or the file's original name. The model's FileField
    puts it in its folder (`upload_to`)."""
    return f"{uuid.uuid4().hex}.{extension}"


class UploadField(forms.FileField):
    """A file checked by content and size; `cleaned_data` holds the upload with a random name and `.kind`."""

    def __init__(self, *, kinds=(PDF,), max_bytes: int = 10 * MEGABYTE, **kwargs):
        self.kinds, self.max_bytes = tuple(kinds), max_bytes
        kwargs.setdefault("help_text", f"Format {_labels(self.kinds)}, {self.max_bytes // MEGABYTE} Mo au maximum.")
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", ",".join(kind.mime for kind in self.kinds))

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or upload is initial:
            return upload
        upload.kind = check_upload(upload, kinds=self.kinds, max_bytes=self.max_bytes)
        upload.name = random_name(upload.kind.extension)
        return upload


class ImageUploadField(UploadField):
    """An image checked by content, then re-encoded (resized, EXIF dropped) before anything stores it."""

    def __init__(self, *, max_side: int = 800, max_bytes: int = 5 * MEGABYTE, **kwargs):
        self.max_side = max_side
        kwargs.setdefault("kinds", IMAGES)
        super().__init__(max_bytes=max_bytes, **kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or upload is initial:
            return upload
        image = reencode_image(upload, max_side=self.max_side)
        image.kind = PNG if image.name.endswith(".png") else JPEG
        image.name = random_name(image.kind.extension)
        return image


def file_response(file: FieldFile, *, filename: str, inline: bool = False, public: bool = False) -> FileResponse:
    """Streams a stored file under `filename`. Private files (the default) are never cached by a proxy; the browser
    may not guess another type than the one we checked."""
    kind = KINDS.get(filetype.guess_mime(file.open("rb").read(8192)) or "")
    file.seek(0)
    response = FileResponse(
        file,
        as_attachment=not inline,
        filename=filename,
        content_type=kind.mime if kind else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    if not public:
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def delete_after_commit(file: FieldFile) -> None:
    """Removes a stored file once the transaction that forgot it has committed (never a row without its file)."""
    name, storage = file.name, file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
