"""A candidate's CV: a PDF of 5 MB at most, checked by its content, never by its name or its declared type.

1. its size (`MAX_CV_BYTES`);
2. its first bytes (`%PDF-`): a renamed executable, an HTML page or an image named « .pdf » stop here;
3. a parse with pypdf: a file that only starts like a PDF, an encrypted one, one whose pages cannot be read;
4. active content, looked for in every object the document reaches (compressed object streams included)
   and in the raw bytes: JavaScript, launch or form-submission actions, embedded files, XFA forms and
   rich media are refused, with a message that says how to make a clean PDF.
"""

from __future__ import annotations

import logging
from typing import IO, Any

from django.core.exceptions import ValidationError
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

logger = logging.getLogger(__name__)

MAX_CV_BYTES = 5 * 1024 * 1024
MAGIC = b"%PDF-"
# Keys and action types of active content; a CV needs none of them.
ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA"})
ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToE", "/RichMediaExecute"})
RAW_MARKERS = (b"/JavaScript", b"/JS ", b"/JS(", b"/JS<", b"/Launch")
# Objects looked at, at most: a CV has a few hundred; more is a file built to exhaust us.
MAX_OBJECTS = 50_000

NOT_PDF = (
    "Ce fichier n’est pas un PDF. Enregistrez votre CV au format PDF (dans votre traitement de texte : "
    "« Enregistrer sous » ou « Exporter », puis PDF) et envoyez-le de nouveau."
)
TOO_BIG = (
    "Votre CV pèse plus de 5 Mo. Réduisez-le (moins d’images, ou « Réduire la taille du fichier ») "
    "et envoyez-le de nouveau."
)
UNREADABLE = "Ce PDF est illisible ou abîmé. Enregistrez de nouveau votre CV au format PDF et envoyez-le de nouveau."
ENCRYPTED = "Ce PDF est protégé par un mot de passe. Envoyez une version sans mot de passe."
ACTIVE = (
    "Ce PDF contient du code (JavaScript), des actions automatiques ou des fichiers joints, que nous refusons par "
    "sécurité. Créez un PDF simple avec « Imprimer » puis « Enregistrer au format PDF », et envoyez-le de nouveau."
)


def check_cv(upload: IO[bytes], size: int) -> None:
    """Raise a ValidationError with a French message unless `upload` is a plain PDF of at most 5 MB."""
    if size > MAX_CV_BYTES:
        raise ValidationError(TOO_BIG, code="too_big")
    upload.seek(0)
    data = upload.read(MAX_CV_BYTES + 1)
    upload.seek(0)
    if len(data) > MAX_CV_BYTES:
        raise ValidationError(TOO_BIG, code="too_big")
    if not data.startswith(MAGIC):
        raise ValidationError(NOT_PDF, code="not_pdf")
    if any(marker in data for marker in RAW_MARKERS):
        raise ValidationError(ACTIVE, code="active_content")
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            raise ValidationError(ENCRYPTED, code="encrypted")
        if len(reader.pages) == 0:
            raise ValidationError(UNREADABLE, code="unreadable")
        active = has_active_content(reader)
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError) as error:
        logger.info("CV refused: unreadable PDF (%s)", type(error).__name__)
        raise ValidationError(UNREADABLE, code="unreadable") from error
    finally:
        upload.seek(0)
    if active:
        raise ValidationError(ACTIVE, code="active_content")


def has_active_content(reader: PdfReader) -> bool:
    """Whether any object the document reaches holds JavaScript, a launch action, an embedded file…"""
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    count = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            ref = (node.idnum, node.generation)
            if ref in seen:
                continue
            seen.add(ref)
            node = node.get_object()
        count += 1
        if count > MAX_OBJECTS:
            return True
        if isinstance(node, DictionaryObject):
            for key, value in node.items():
                if key in ACTIVE_KEYS:
                    return True
                if key == "/S" and isinstance(value, NameObject) and value in ACTIVE_ACTIONS:
                    return True
                stack.append(value)
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return False
