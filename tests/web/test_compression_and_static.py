"""How pages and files travel (issue 14): compressed with gzip, or brotli when the browser
takes it, except tiny answers and files compressed already (the certificate's PDF); static
files linked under hashed names a browser keeps for a year, the fonts the stylesheet loads
too, the plain names still answering with a short cache; and the portal's icon."""

from __future__ import annotations

import gzip
import re
from urllib.parse import urljoin

import brotli
import pytest
from fastapi.testclient import TestClient
from starlette.responses import Response

from tests.conftest import Browser, choose_language
from web.app import STATIC_DIR
from web.static_assets import IMMUTABLE, StaticAssets, hashed_name

LANGS = ["th", "en"]


TOKEN = re.compile(r'("csrf_token" value="|"X-CSRF-Token": ")[^"]+')


def without_tokens(html: str) -> str:
    """The page less its CSRF tokens, which differ on every response."""
    return TOKEN.sub(r"\1…", html)


def linked(html: str, pattern: str) -> str:
    found = re.search(pattern, html)
    assert found, pattern
    return found.group(0)


@pytest.mark.parametrize("lang", LANGS)
def test_a_page_comes_back_gzip_or_brotli_and_decodes_to_the_same_html(browser: Browser, lang):
    choose_language(browser, lang)
    plain = browser.get("/privacy", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert f'lang="{lang}"' in plain.text
    for encoding, decode in (("gzip", gzip.decompress), ("br", brotli.decompress)):
        # Read the raw bytes: the client must not undo the encoding for us.
        with browser.client.stream("GET", "/privacy",
                                   headers={"Accept-Encoding": encoding}) as response:
            raw = b"".join(response.iter_raw())
        assert response.headers["content-encoding"] == encoding
        assert "accept-encoding" in response.headers["vary"].lower()
        assert len(raw) < len(plain.content) / 2
        html = decode(raw).decode()
        assert without_tokens(html) == without_tokens(plain.text)


def test_the_csrf_token_is_disguised_anew_on_every_page_and_each_disguise_works(
        browser: Browser):
    """Compressed pages show the query string a visitor chose beside the token: a token that
    never changed could be guessed from response sizes alone (BREACH)."""
    first, second = browser.csrf("/sign-in"), browser.csrf("/sign-in")
    assert first != second
    for token in (first, second):
        r = browser.client.post("/lang", data={"csrf_token": token, "lang": "en", "next": "/"},
                                follow_redirects=False)
        assert r.status_code == 303
    forged = browser.client.post("/lang", data={"csrf_token": first[:-4] + "AAAA", "lang": "th",
                                               "next": "/"}, follow_redirects=False)
    assert forged.status_code == 403


def test_tiny_answers_and_compressed_files_go_out_as_they_are(browser: Browser):
    health = browser.get("/healthz", headers={"Accept-Encoding": "gzip, br"})
    assert health.status_code == 200 and "content-encoding" not in health.headers
    font = next((STATIC_DIR / "fonts").glob("*.woff2")).name
    woff = browser.get(f"/static/fonts/{font}", headers={"Accept-Encoding": "gzip, br"})
    assert woff.status_code == 200 and "content-encoding" not in woff.headers


@pytest.mark.parametrize("media_type", ["application/pdf", "image/png", "image/jpeg"])
def test_pdfs_and_images_are_not_compressed_again(app, media_type):
    """The certificate and the uploaded scans are PDFs, PNGs and JPEGs: compressed already."""
    body = bytes(range(256)) * 40  # 10 KB, well past the minimum size
    app.add_api_route("/_test/file", lambda: Response(body, media_type=media_type))
    with TestClient(app) as client:
        response = client.get("/_test/file", headers={"Accept-Encoding": "gzip, br, zstd"})
    assert "content-encoding" not in response.headers
    assert response.content == body


def test_the_page_links_static_files_by_hashed_names_kept_for_a_year(browser: Browser):
    page = browser.get("/").text
    css = linked(page, r'/static/app\.[0-9a-f]{8}\.css')
    js = linked(page, r'/static/app\.[0-9a-f]{8}\.js')
    icon = linked(page, r'/static/favicon\.[0-9a-f]{8}\.svg')
    assert 'href="/static/app.css"' not in page and 'src="/static/app.js"' not in page
    for url, plain in ((css, "/static/app.css"), (js, "/static/app.js"),
                       (icon, "/static/favicon.svg")):
        hashed = browser.get(url)
        assert hashed.status_code == 200
        assert hashed.headers["cache-control"] == IMMUTABLE
        unhashed = browser.get(plain)
        assert unhashed.status_code == 200 and unhashed.content == hashed.content
        assert "immutable" not in unhashed.headers["cache-control"]
    # A hash the file does not have names nothing.
    assert browser.get("/static/app.00000000.css").status_code == 404


CSS_URLS = re.compile(r"""url\(\s*['"]?([^'")\s]+)""")


def test_the_fonts_the_stylesheet_loads_have_hashed_names_kept_for_a_year(browser: Browser):
    css_url = linked(browser.get("/").text, r"/static/app\.[0-9a-f]{8}\.css")
    css = browser.get(css_url)
    refs = CSS_URLS.findall(css.text)
    fonts = sorted((STATIC_DIR / "fonts").glob("*.woff2"))
    assert len(refs) == len(fonts) == 4
    for ref in refs:
        assert re.fullmatch(r"fonts/sarabun-(thai|latin)-[47]00-normal\.[0-9a-f]{8}\.woff2", ref)
        font = browser.get(urljoin(css_url, ref))
        assert font.status_code == 200, ref
        assert font.headers["cache-control"] == IMMUTABLE
        assert font.headers["content-type"] == "font/woff2"
        plain = re.sub(r"\.[0-9a-f]{8}\.woff2$", ".woff2", ref)
        assert font.content == (STATIC_DIR / plain).read_bytes()
        # The plain name still answers, revalidated; a hash the font does not have, nothing.
        unhashed = browser.get(f"/static/{plain}")
        assert unhashed.status_code == 200 and unhashed.content == font.content
        assert "immutable" not in unhashed.headers["cache-control"]
        stale = re.sub(r"\.[0-9a-f]{8}\.woff2$", ".00000000.woff2", ref)
        assert browser.get(f"/static/{stale}").status_code == 404
    # The stylesheet by its plain name is the same text, fonts and all.
    assert browser.get("/static/app.css").text == css.text


def test_the_rewritten_stylesheet_is_revalidated_and_not_sent_again(browser: Browser):
    css_url = linked(browser.get("/").text, r"/static/app\.[0-9a-f]{8}\.css")
    for url in (css_url, "/static/app.css"):
        first = browser.get(url)
        assert first.headers["content-type"] == "text/css; charset=utf-8"
        again = browser.get(url, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304 and again.content == b""
    assert browser.client.head(css_url).headers["cache-control"] == IMMUTABLE
    assert browser.client.post("/static/app.css").status_code == 405


def test_a_changed_font_renames_the_font_and_the_stylesheet(tmp_path):
    (tmp_path / "fonts").mkdir()
    (tmp_path / "css").mkdir()
    (tmp_path / "fonts" / "a.woff2").write_bytes(b"font one")
    (tmp_path / "logo.svg").write_text("<svg/>")
    (tmp_path / "css" / "site.css").write_text(
        '@font-face { src: url("../fonts/a.woff2?v=1#iefix") format("woff2"); }\n'
        "h1 { background: url(/static/logo.svg), url('data:image/png;base64,AAAA'); }\n"
        "p { background: url(missing.png) url(https://cdn.example/x.png); }")
    assets = StaticAssets(tmp_path)
    font = assets.hashed["fonts/a.woff2"]
    css = assets.rewritten["css/site.css"].decode()
    assert f'url("../{font}?v=1#iefix")' in css
    assert f'url("/static/{assets.hashed["logo.svg"]}")' in css
    assert "url('data:image/png;base64,AAAA')" in css
    assert "url(missing.png)" in css and "url(https://cdn.example/x.png)" in css
    # The stylesheet's name is the hash of what is served.
    assert assets.hashed["css/site.css"] == hashed_name("css/site.css", css.encode())
    (tmp_path / "fonts" / "a.woff2").write_bytes(b"font two")
    again = StaticAssets(tmp_path)
    assert again.hashed["fonts/a.woff2"] != font
    assert again.url("css/site.css") != assets.url("css/site.css")


def test_a_changed_file_gets_a_new_name(tmp_path):
    (tmp_path / "app.css").write_text("body { color: black; }")
    (tmp_path / "vendor" / "lib-1.0").mkdir(parents=True)
    (tmp_path / "vendor" / "lib-1.0" / "lib.js").write_text("lib")
    before = StaticAssets(tmp_path).url("app.css")
    assert before == "/static/" + hashed_name("app.css", b"body { color: black; }")
    assert StaticAssets(tmp_path).url("app.css") == before  # the same content, the same name
    (tmp_path / "app.css").write_text("body { color: navy; }")
    after = StaticAssets(tmp_path).url("app.css")
    assert after != before and re.fullmatch(r"/static/app\.[0-9a-f]{8}\.css", after)
    # Vendored files are versioned by their folder and keep their names.
    assert StaticAssets(tmp_path).url("vendor/lib-1.0/lib.js") == "/static/vendor/lib-1.0/lib.js"


@pytest.mark.parametrize("lang", LANGS)
def test_the_portal_has_an_icon(browser: Browser, lang):
    choose_language(browser, lang)
    page = browser.get("/").text
    icon = linked(page, r'<link rel="icon" href="[^"]+" type="image/svg\+xml">')
    href = re.search(r'href="([^"]+)"', icon).group(1)
    svg = browser.get(href)
    assert svg.status_code == 200
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.lstrip().startswith("<svg")
    ico = browser.get("/favicon.ico", follow_redirects=True)
    assert ico.status_code == 200
    assert ico.headers["content-type"].startswith("image/svg+xml")
