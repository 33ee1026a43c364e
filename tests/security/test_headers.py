"""Headers and the browser (issue 11): every response carries a Content-Security-Policy that
allows no inline script or style, refuses framing and sniffing, sends a short referrer and
turns powerful browser features off; nothing but static files is stored by a browser or a
proxy; production adds HSTS and a Secure session cookie; and the pages themselves hold no
inline script, event handler or style attribute that the policy would block.

The sample: public pages, an applicant's wizard, status and JSON API, an officer's case and
ticket desks, the chat, API errors and static files, over real HTTP on both databases."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlmodel import Session, select

from core.settings import Settings
from tests.conftest import (
    SERVICE_TOKEN,
    Browser,
    create_application,
    create_officer,
    create_ticket,
    sign_in,
    submitted_application,
)
from tests.stack import free_port

REQUIRED_CSP = {
    "default-src": {"'self'"}, "script-src": {"'self'"}, "style-src": {"'self'"},
    "object-src": {"'none'"}, "base-uri": {"'self'"}, "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}
OFF_FEATURES = ("camera", "microphone", "geolocation", "payment", "usb")


@dataclass
class Sample:
    """Responses by what they show: `personal` to a signed-in user or about a person,
    `public` to anyone, `static` the portal's files."""

    personal: dict[str, httpx.Response] = field(default_factory=dict)
    public: dict[str, httpx.Response] = field(default_factory=dict)
    static: dict[str, httpx.Response] = field(default_factory=dict)

    def dynamic(self) -> dict[str, httpx.Response]:
        return {**self.personal, **self.public}

    def everything(self) -> dict[str, httpx.Response]:
        return {**self.personal, **self.public, **self.static}

    def pages(self) -> dict[str, httpx.Response]:
        return {path: r for path, r in self.dynamic().items()
                if r.headers.get("content-type", "").startswith("text/html")}


@pytest.fixture(scope="module")
def sample(database_url) -> Iterator[Sample]:
    """Visits the sample once per database, as an anonymous visitor, an applicant with a
    draft and a submitted application, and an officer."""
    from eec_bridge.models import Case
    from tests.conftest import fresh_resources
    from web.app import create_app

    with pytest.MonkeyPatch.context() as env, fresh_resources() as resources:
        # Nothing listens here: the chat answers at once that the assistant is away.
        env.setenv("EEC_RASA_URL", f"http://127.0.0.1:{free_port()}")
        resources.settings = Settings()
        app = create_app(resources)
        found = Sample()
        with TestClient(app) as anonymous_client, TestClient(app) as applicant_client, \
                TestClient(app) as officer_client, Session(resources.engine) as session:
            anonymous, applicant, officer = (Browser(anonymous_client), Browser(applicant_client),
                                             Browser(officer_client))
            for path in ("/", "/sign-up", "/sign-in", "/privacy", "/complaints/new",
                         "/complaints/status", "/api/docs", "/api/openapi.json",
                         "/no-such-page", "/api/v1/no-such-thing"):
                found.public[path] = anonymous.get(path)

            submitted = submitted_application(applicant)  # signs the applicant up
            draft = create_application(applicant)
            [case_id] = session.exec(select(Case.id).where(Case.application_id == submitted))
            for path in ("/registration", f"/registration/{draft}/office",
                         f"/registration/{draft}/people", f"/registration/{draft}/review",
                         f"/registration/{submitted}/status", "/api/v1/session",
                         "/api/v1/applications", f"/api/v1/applications/{draft}",
                         f"/api/v1/applications/{draft}/office"):
                found.personal[path] = applicant.get(path)
            found.personal["POST /chat/send"] = applicant.post(
                "/chat/send", {"message": "There is wastewater in the canal"})
            found.personal["/desk (applicant)"] = applicant.get("/desk")  # 403 page

            ticket = create_ticket(session)
            sign_in(officer, create_officer(session))
            for path in ("/desk", f"/desk/cases/{case_id}", "/desk/tickets",
                         f"/desk/tickets/{ticket}", "/desk/tickets/dashboard"):
                found.personal[path] = officer.get(path)
            found.personal[f"/api/v1/tickets/{ticket}"] = anonymous.get(
                f"/api/v1/tickets/{ticket}", headers=SERVICE_TOKEN)
            found.personal[f"/complaints/filed/{ticket}"] = anonymous.get(
                f"/complaints/filed/{ticket}")

            for path in ("/static/app.css", "/static/app.js", "/static/api-docs.js",
                         "/static/vendor/htmx-2.0.8/htmx.min.js",
                         "/static/vendor/swagger-ui-5.36.0/swagger-ui-bundle.js",
                         "/static/vendor/swagger-ui-5.36.0/swagger-ui.css"):
                found.static[path] = anonymous.get(path)
        for label, response in found.everything().items():
            assert response.status_code != 500, (label, response.status_code)
        yield found


def csp_directives(response: httpx.Response) -> dict[str, set[str]]:
    policy = response.headers.get("content-security-policy", "")
    directives: dict[str, set[str]] = {}
    for part in policy.split(";"):
        if part.strip():
            name, *sources = part.split()
            directives[name.lower()] = set(sources)
    return directives


def test_every_response_carries_the_security_headers(sample: Sample) -> None:
    problems = []
    for label, response in sample.everything().items():
        directives = csp_directives(response)
        for name, sources in REQUIRED_CSP.items():
            if directives.get(name) != sources:
                problems.append(f"{label}: CSP {name} is {directives.get(name)}, not {sources}")
        unsafe = {s for sources in directives.values() for s in sources if "unsafe" in s}
        if unsafe:
            problems.append(f"{label}: CSP allows {unsafe}")
        expected = {"x-frame-options": "DENY", "x-content-type-options": "nosniff"}
        for name, value in expected.items():
            if response.headers.get(name) != value:
                problems.append(f"{label}: {name} is {response.headers.get(name)!r}")
        if response.headers.get("referrer-policy") not in (
                "same-origin", "strict-origin-when-cross-origin", "no-referrer"):
            problems.append(f"{label}: Referrer-Policy {response.headers.get('referrer-policy')!r}")
        features = response.headers.get("permissions-policy", "")
        for feature in OFF_FEATURES:
            if f"{feature}=()" not in features:
                problems.append(f"{label}: Permissions-Policy leaves {feature} on")
        if "strict-transport-security" in response.headers:
            problems.append(f"{label}: HSTS outside production (plain-HTTP development)")
    assert not problems, "\n".join(problems)


def test_nothing_dynamic_is_stored_and_static_files_stay_cacheable(sample: Sample) -> None:
    for label, response in sample.dynamic().items():
        directives = {d.strip() for d in response.headers.get("cache-control", "").split(",")}
        assert "no-store" in directives, (label, response.headers.get("cache-control"))
    for label, response in sample.static.items():
        assert response.status_code == 200, label
        assert "no-store" not in response.headers.get("cache-control", ""), label
        assert response.headers.get("etag"), label  # so a cached copy is revalidated cheaply
    assert "immutable" in sample.static[
        "/static/vendor/htmx-2.0.8/htmx.min.js"].headers["cache-control"]


class InlineCode(HTMLParser):
    """Collects what a page holds that a strict Content-Security-Policy blocks."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "script":
            src = dict(attrs).get("src") or ""
            if not src:
                self._in_script = True
                self.found.append("inline <script>")
            elif src.startswith(("http", "//")) and "://testserver/" not in src:
                self.found.append(f"script from elsewhere: {src}")
        if tag == "style":
            self.found.append("<style> element")
        if tag == "link" and (dict(attrs).get("href") or "").startswith("https://"):
            self.found.append(f"stylesheet from elsewhere: {dict(attrs)['href']}")
        for name in names:
            if name == "style":
                self.found.append(f"style attribute on <{tag}>")
            elif name.startswith("on") or name.startswith(("hx-on", "data-hx-on")):
                self.found.append(f"{name} handler on <{tag}>")
            elif name in ("hx-vals", "hx-vars") and "js:" in (dict(attrs).get(name) or ""):
                self.found.append(f"{name} with js: on <{tag}>")
        for name, value in attrs:
            if name.startswith("hx-trigger") and value and "[" in value:
                self.found.append(f"hx-trigger filter (eval) on <{tag}>: {value}")
            if value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL in {name} on <{tag}>")


def test_pages_hold_no_inline_script_handler_or_style(sample: Sample) -> None:
    pages = sample.pages()
    assert len(pages) >= 20, sorted(pages)
    problems = []
    for label, response in pages.items():
        parser = InlineCode()
        parser.feed(response.text)
        problems += [f"{label}: {what}" for what in parser.found]
    assert not problems, "\n".join(problems)
    # htmx would otherwise add its indicator styles as an inline <style>, eval hx-on code,
    # and keep copies of the pages (the desk's, the wizard's) in sessionStorage.
    home = sample.public["/"].text
    for setting in ('"includeIndicatorStyles": false', '"allowEval": false',
                    '"historyCacheSize": 0'):
        assert setting in home, setting


def test_api_docs_load_swagger_ui_from_the_portal(sample: Sample) -> None:
    docs = sample.public["/api/docs"]
    assert docs.status_code == 200
    assert "cdn." not in docs.text and "unpkg" not in docs.text
    assert "/static/vendor/swagger-ui-5.36.0/swagger-ui-bundle.js" in docs.text
    assert re.search(r'src="/static/api-docs\.[0-9a-f]{8}\.js"', docs.text)  # hashed name
    assert "SwaggerUIBundle" in sample.static[
        "/static/vendor/swagger-ui-5.36.0/swagger-ui-bundle.js"].text
    assert sample.static["/static/api-docs.js"].headers["content-type"].startswith(
        "text/javascript")


@pytest.fixture
def production_app(database_url, monkeypatch):
    """The app as an operator runs it: EEC_ENVIRONMENT=production with every secret set."""
    from tests.conftest import fresh_resources
    from web.app import create_app

    monkeypatch.setenv("EEC_ENVIRONMENT", "production")
    monkeypatch.setenv("EEC_SMTP_URL", "smtps://portal:relay-password@smtp.example.org:465")
    for name, info in Settings.model_fields.items():
        if info.annotation is SecretStr:
            monkeypatch.setenv(f"EEC_{name.upper()}", f"production-{name}-{os.urandom(8).hex()}")
    with fresh_resources() as resources:
        yield create_app(resources)
    monkeypatch.undo()


def test_production_pins_https_and_marks_the_session_cookie_secure(production_app) -> None:
    with TestClient(production_app, base_url="https://portal.example") as client:
        cookie = client.get("/sign-up").headers.get("set-cookie", "")  # the first visit's
        for path in ("/", "/sign-in", "/api/v1/session", "/static/app.css", "/no-such-page"):
            response = client.get(path)
            hsts = response.headers.get("strict-transport-security", "")
            assert "max-age=31536000" in hsts and "includeSubDomains" in hsts, (path, hsts)
        assert cookie.startswith("eec_session="), cookie
        assert "secure" in cookie.lower().split("; "), cookie
        assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower(), cookie
