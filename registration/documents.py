"""Uploaded documents: type checked by content (not by name), size-capped, stored once by
sha256 and attachable to several purposes within one application."""

from __future__ import annotations

import hashlib
from pathlib import Path

import filetype

from web.errors import FieldError, Invalid, N_, register_messages
from web.settings import get_settings

ALLOWED_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}

DOCUMENT_KINDS = {
    "id_copy": N_("Copy of Thai national ID card"),
    "passport_copy": N_("Copy of passport"),
    "office_map": N_("Head office map or house registration"),
    "consent_letter": N_("Letter of consent to use the premises"),
    "other": N_("Other attachment"),
}

register_messages(
    {
        **{f"doc.kind.{k}": v for k, v in DOCUMENT_KINDS.items()},
        "doc.required": N_("Choose a file to upload."),
        "doc.too_large": N_("The file is larger than {max_mb} MB. Upload a smaller scan."),
        "doc.bad_type": N_("Only PDF, JPEG or PNG files are accepted. This file's content is not one of those."),
        "doc.missing_identity": N_("Attach an identity document for {name}."),
        "doc.kind_invalid": N_("Choose what this document is."),
    }
)


def sniff_content_type(content: bytes) -> str | None:
    """The real type from the file's magic bytes; None when not an accepted type."""
    kind = filetype.guess(content[:8192])
    if kind is None or kind.mime not in ALLOWED_TYPES:
        return None
    return kind.mime


def check_upload(content: bytes | None, field: str = "file") -> str:
    """Validates an upload and returns its content type, or raises Invalid."""
    settings = get_settings()
    if not content:
        raise Invalid([FieldError(field, "doc.required")])
    if len(content) > settings.upload_max_bytes:
        raise Invalid([FieldError(field, "doc.too_large",
                                  {"max_mb": settings.upload_max_bytes // (1024 * 1024)})])
    content_type = sniff_content_type(content)
    if content_type is None:
        raise Invalid([FieldError(field, "doc.bad_type")])
    return content_type


def blob_path(sha256: str) -> Path:
    return get_settings().upload_dir / sha256[:2] / sha256


def store_blob(content: bytes) -> str:
    """Writes the file under its sha256 (once) and returns the digest."""
    digest = hashlib.sha256(content).hexdigest()
    path = blob_path(digest)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(content)
        tmp.replace(path)  # atomic: a reader never sees half a file
    return digest


def safe_filename(name: str | None) -> str:
    base = Path(name or "document").name
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '\\/:*?"<>|')
    return cleaned[:200] or "document"
