"""Uploads cannot fill the disk: a file is written only when the change that refers to it is
saved, leaves the disk when its last document is removed, and each application holds a bounded
number and size of documents. Local state (var/) is readable by its owner alone. A sign-in
lasts a bounded time however busy the session is."""

from __future__ import annotations

import hashlib
import os
import re
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from core.runtime import get_settings
from core.settings import Settings
from tests.conftest import (
    PDF,
    Browser,
    create_application,
    create_user,
    submitted_application,
)
from tests.security.test_restart import READY, launcher  # noqa: F401  (a fixture)


@pytest.fixture
def settings_env(resources, monkeypatch) -> Iterator:
    """Sets EEC_ settings for one test: its own container reads them again."""
    def set_settings(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(f"EEC_{name.upper()}", value)
        resources.settings = Settings()

    yield set_settings
    monkeypatch.undo()


def unique_pdf(size: int = 1000) -> bytes:
    return PDF + os.urandom(size)


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


def upload(browser: Browser, app_id: int, content: bytes, kind: str = "other"):
    return browser.api("POST", f"/api/v1/applications/{app_id}/documents", data={"kind": kind},
                       files={"file": ("scan.pdf", content, "application/pdf")})


def document_ids(browser: Browser, app_id: int) -> list[int]:
    page = browser.get(f"/registration/{app_id}/documents").text
    return sorted({int(i) for i in re.findall(r'name="document_id" value="(\d+)"', page)})


# --- Uploads -----------------------------------------------------------------------------------


def test_uploading_and_removing_again_and_again_leaves_no_file(browser):
    create_user(browser)
    app_id = create_application(browser)
    uploads = get_settings().upload_dir
    before = files_under(uploads)
    for _ in range(3):
        r = upload(browser, app_id, unique_pdf())
        assert r.status_code == 201, r.text
        assert len(files_under(uploads) - before) == 1  # saved: on disk
        r = browser.post(f"/registration/{app_id}/documents",
                         {"action": "remove", "document_id": str(r.json()["id"])})
        assert r.status_code == 303, r.text
        assert files_under(uploads) == before


def test_a_file_two_documents_share_stays_until_both_are_removed(browser):
    create_user(browser)
    app_id = create_application(browser)
    uploads = get_settings().upload_dir
    content = unique_pdf()
    first = upload(browser, app_id, content, kind="other").json()["id"]
    second = upload(browser, app_id, content, kind="office_map").json()["id"]
    [path] = [p for p in files_under(uploads) if p.name == upload_digest(content)]
    browser.post(f"/registration/{app_id}/documents", {"action": "remove",
                                                       "document_id": str(first)})
    assert path.exists()
    browser.post(f"/registration/{app_id}/documents", {"action": "remove",
                                                       "document_id": str(second)})
    assert not path.exists()


def upload_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def test_a_refused_answer_keeps_no_file(browser):
    app_id = submitted_application(browser)
    uploads = get_settings().upload_dir
    before = files_under(uploads)
    # No request for information is open: the answer, and its file, are refused.
    r = browser.post(f"/registration/{app_id}/answer", {"answer": "Attached."},
                     files={"file": ("lease.pdf", unique_pdf(), "application/pdf")})
    assert r.status_code == 409, r.text[:500]
    assert files_under(uploads) == before


def test_a_refused_upload_keeps_no_file(browser, settings_env):
    create_user(browser)
    app_id = create_application(browser)
    uploads = get_settings().upload_dir
    before = files_under(uploads)
    settings_env(upload_max_documents="1")
    assert upload(browser, app_id, unique_pdf()).status_code == 201
    after_first = files_under(uploads)
    r = upload(browser, app_id, unique_pdf())
    assert r.status_code == 422
    assert files_under(uploads) == after_first and len(after_first - before) == 1


def test_an_application_holds_a_bounded_number_of_documents(browser, settings_env):
    settings_env(upload_max_documents="2")
    create_user(browser, lang="th")
    app_id = create_application(browser)
    assert upload(browser, app_id, unique_pdf()).status_code == 201
    assert upload(browser, app_id, unique_pdf()).status_code == 201
    r = upload(browser, app_id, unique_pdf())
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem")
    assert [e["key"] for e in r.json()["errors"]] == ["doc.too_many"]
    # The wizard's form says so too, in the applicant's language (Thai here).
    r = browser.post(f"/registration/{app_id}/documents", {"kind": "other"},
                     files={"file": ("scan.pdf", unique_pdf(), "application/pdf")})
    assert r.status_code == 422
    assert "แนบเอกสารได้ไม่เกิน 2 รายการ" in r.text
    assert len(document_ids(browser, app_id)) == 2


def test_an_application_holds_a_bounded_size_of_documents(browser, settings_env):
    settings_env(upload_max_total_bytes=str(5000))
    create_user(browser)
    app_id = create_application(browser)
    content = unique_pdf(2000)
    assert upload(browser, app_id, content).status_code == 201
    # The same file again, for another purpose, takes no more room.
    assert upload(browser, app_id, content, kind="office_map").status_code == 201
    assert upload(browser, app_id, unique_pdf(2000)).status_code == 201
    r = upload(browser, app_id, unique_pdf(2000))
    assert r.status_code == 422
    assert [e["key"] for e in r.json()["errors"]] == ["doc.quota_full"]


def test_an_account_uploads_a_bounded_number_of_files_an_hour(browser, settings_env):
    settings_env(uploads_per_hour="3")
    create_user(browser)
    app_id = create_application(browser)
    for _ in range(3):
        assert upload(browser, app_id, unique_pdf()).status_code == 201
    r = upload(browser, app_id, unique_pdf())
    assert r.status_code == 429 and r.json()["key"] == "doc.rate_limited"


# --- Local state -------------------------------------------------------------------------------


def test_local_state_is_private_to_its_owner(launcher, tmp_path):  # noqa: F811
    var_dir = tmp_path / "var"
    var_dir.mkdir(mode=0o755)
    (var_dir / "uploads").mkdir(mode=0o755)
    old = var_dir / "uploads" / "older.pdf"
    old.write_bytes(PDF)
    old.chmod(0o644)  # left by an earlier version
    launcher.start()
    portal = launcher.output().split(READY)[-1].split()[0].rstrip("/")
    try:
        with httpx.Client(base_url=portal, timeout=30) as client:
            browser = Browser(client)
            create_user(browser)
            app_id = create_application(browser)
            assert upload(browser, app_id, unique_pdf()).status_code == 201
        loose = [f"{p.relative_to(var_dir)} {stat.filemode(p.stat().st_mode)}"
                 for p in [var_dir, *var_dir.rglob("*")] if not p.is_symlink()
                 and stat.S_IMODE(p.stat().st_mode) != (0o700 if p.is_dir() else 0o600)]
        assert any(p.suffix == "" and p.parent.parent.name == "uploads"
                   for p in var_dir.rglob("*") if p.is_file())
        assert (var_dir / "eec.db").exists()
        assert not loose, loose
    finally:
        assert launcher.sigterm() == 0


# --- Sessions ----------------------------------------------------------------------------------


def test_a_session_in_constant_use_ends_after_its_absolute_lifetime(browser, settings_env):
    create_user(browser)
    assert browser.get("/registration", follow_redirects=False).status_code == 200
    settings_env(session_absolute_max_age_s="1")
    deadline = time.monotonic() + 1.5
    while time.monotonic() < deadline:  # busy: the idle timeout never runs out
        assert browser.get("/api/v1/applications").status_code in (200, 401)
        time.sleep(0.2)
    r = browser.get("/registration/names", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/sign-in?next=/registration/names"
    r = browser.get("/api/v1/applications")
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["key"] == "error.sign_in_required"


def test_a_session_within_its_absolute_lifetime_goes_on(browser, settings_env):
    settings_env(session_absolute_max_age_s=str(12 * 3600))
    create_user(browser)
    time.sleep(1.2)
    assert browser.get("/registration", follow_redirects=False).status_code == 200
    assert browser.get("/api/v1/applications").status_code == 200
