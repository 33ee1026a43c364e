"""Uploaded documents: type checked by content (not by name), size-capped, stored once by
sha256 and attachable to several purposes within one application. A file reaches the disk
only when the transaction that references it commits, and leaves it once nothing does."""

from __future__ import annotations

import hashlib
import logging
import secrets
from pathlib import Path

import filetype
from sqlalchemy import event
from sqlmodel import Session

from core.errors import N_, FieldError, Invalid, register_messages
from core.runtime import get_settings

ALLOWED_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}

DOCUMENT_KINDS = {
    "id_copy": N_("Copy of Thai national ID card"),
    "passport_copy": N_("Copy of passport"),
    "office_map": N_("Head office map or house registration"),
    "consent_letter": N_("Letter of consent to use the premises"),
    "other": N_("Other attachment"),
}

# A person's own documents: each names whose it is (a promoter's or a director's).
IDENTITY_KINDS = frozenset({"id_copy", "passport_copy"})

register_messages(
    {
        **{f"doc.kind.{k}": v for k, v in DOCUMENT_KINDS.items()},
        "doc.person_required": N_("Choose whose identity document this is."),
        "doc.uploaded": N_("{filename} was uploaded."),
        "doc.attached_again": N_("{filename} was attached again."),
        "doc.removed": N_("{filename} was removed."),
        "doc.required": N_("Choose a file to upload."),
        "doc.too_large": N_("The file is larger than {max_mb} MB. Upload a smaller scan."),
        "doc.bad_type": N_(
            "Only PDF, JPEG or PNG files are accepted. This file's content is not one of those."),
        "doc.missing_identity": N_("Attach an identity document for {name}."),
        "doc.kind_invalid": N_("Choose what this document is."),
        "doc.too_many": N_("An application can hold at most {max} documents. Remove one "
                           "before adding another."),
        "doc.quota_full": N_("This application's documents may take up at most {max_mb} MB "
                             "in all. Remove a document or upload a smaller scan."),
        "doc.rate_limited": N_("You have uploaded many files in the last hour. Please try "
                               "again later."),
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


log = logging.getLogger(__name__)

_TO_WRITE = "registration.blobs_to_write"
_TO_DELETE = "registration.blobs_to_delete"
_WRITTEN = "registration.blobs_written"  # digest -> its file, written but not yet in place


def stage_blob(session: Session, content: bytes) -> str:
    """Returns the content's sha256; the file is written once `session` commits."""
    digest = hashlib.sha256(content).hexdigest()
    session.info.setdefault(_TO_WRITE, {})[digest] = content
    session.info.get(_TO_DELETE, set()).discard(digest)
    return digest


def unlink_blob_after_commit(session: Session, digest: str) -> None:
    """The file goes once `session` commits (its StoredFile row is deleted in it)."""
    session.info.get(_TO_WRITE, {}).pop(digest, None)
    session.info.setdefault(_TO_DELETE, set()).add(digest)


@event.listens_for(Session, "before_commit")
def _write_staged_blobs(session: Session) -> None:
    """Written beside their place before the commit, so a full disk refuses the change
    instead of leaving a document without its file; moved into place after it."""
    written = session.info.setdefault(_WRITTEN, {})
    for digest, content in session.info.pop(_TO_WRITE, {}).items():
        path = blob_path(digest)
        if path.exists() or digest in written:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{digest}.{secrets.token_hex(4)}.part")
        written[digest] = tmp
        tmp.write_bytes(content)


@event.listens_for(Session, "after_commit")
def _apply_blob_changes(session: Session) -> None:
    for digest, tmp in session.info.pop(_WRITTEN, {}).items():
        tmp.replace(blob_path(digest))  # atomic: a reader never sees half a file
    for digest in session.info.pop(_TO_DELETE, set()):
        try:
            blob_path(digest).unlink(missing_ok=True)
        except OSError:
            log.warning("could not remove the unreferenced file %s", digest, exc_info=True)


@event.listens_for(Session, "after_transaction_end")
def _forget_blob_changes(session: Session, transaction) -> None:  # noqa: ANN001
    """A rollback (or a session closed without committing) writes and removes nothing."""
    if transaction.parent is None:
        session.info.pop(_TO_WRITE, None)
        session.info.pop(_TO_DELETE, None)
        for tmp in session.info.pop(_WRITTEN, {}).values():
            tmp.unlink(missing_ok=True)


def safe_filename(name: str | None) -> str:
    base = Path(name or "document").name
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '\\/:*?"<>|')
    return cleaned[:200] or "document"
