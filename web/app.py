"""The FastAPI application: middleware, routers and error rendering (HTML or problem details)."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext
from pathlib import Path
from urllib.parse import quote, urlsplit

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.exc import DataError, SQLAlchemyError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp
from starlette_compress import CompressMiddleware, add_compress_type

from complaints import api as ticket_api
from complaints import desk as complaints_desk
from complaints import open311
from complaints import routes as complaint_routes
from complaints import statuses as ticket_statuses
from core import templating
from core.accounts.deps import SESSION_USER_KEY, SignInRequired
from core.container import Resources, build
from core.errors import DomainError, FieldError, Invalid
from core.forms import localized_errors
from core.i18n import LocaleMiddleware, message
from core.limits import BodyLimitMiddleware
from core.local_state import make_private
from core.logging_setup import configure_logging
from core.problems import document_problems, problem_response
from core.runtime import get_resources, installed
from core.security import CSRF_SESSION_KEY, CsrfError, verify_csrf
from core.settings import Settings
from core.templating import render
from core.thai_ids import format_juristic_number
from eec_bridge import delivery, desk, webhooks
from flows import application_api, application_status, case_desk, certificate
from notifications import routes as notification_routes
from registration import api as registration_api
from registration import routes as registration_routes
from registration import service, typed_resume
from web import api_docs, chat, dev_mail, pages
from web.accounts import routes as account_routes
from web.accounts import staff as staff_accounts
from web.headers import SecurityHeadersMiddleware
from web.static_assets import HashedStaticFiles, StaticAssets

log = logging.getLogger("web")
STATIC_DIR = Path(__file__).resolve().parent / "static"
# Responses smaller than this go out as they are: compressing them saves less than it costs.
COMPRESS_MINIMUM_BYTES = 500
# Problem details are JSON too; PDFs, images and fonts are compressed already and stay out
# (starlette-compress compresses only the text types it lists).
add_compress_type("application/problem+json")


# Machine-facing paths: their errors are problem details whatever the caller accepts.
MACHINE_PREFIXES = ("/api/", "/webhooks/", "/open311/")


def wants_json(request: Request) -> bool:
    return request.url.path.startswith(MACHINE_PREFIXES) or "application/json" in \
        request.headers.get("accept", "")


# Each status has a heading of its own; a 422 is the one that lists fields to correct.
ERROR_TITLES = {400: "error.bad_request_title", 401: "error.sign_in_required",
                403: "error.forbidden", 404: "error.not_found",
                405: "error.method_not_allowed_title", 413: "error.too_large_title",
                422: "error.invalid_input", 429: "error.rate_limited_title"}
HTTP_ERROR_KEYS = {400: "error.bad_request", 403: "error.forbidden", 404: "error.not_found",
                   405: "error.method_not_allowed", 413: "error.too_large",
                   429: "error.rate_limited"}


def error_title(status: int) -> str:
    if status >= 500:
        return "error.server_title"
    return ERROR_TITLES.get(status, "error.refused_title")


def _render_error(request: Request, status: int, key: str, params: dict | None = None) -> Response:
    return render(
        request, "error.html",
        {"title": message(error_title(status)), "detail": message(key, params)},
        status_code=status,
    )


def _same_origin(request: Request) -> bool:
    """The browser says the form was posted from one of our own pages."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if origin:
        return urlsplit(origin).netloc == request.url.netloc
    return request.headers.get("sec-fetch-site") == "same-origin"


def _keep_typed_and_sign_in(request: Request, exc: DomainError) -> Response | None:
    """A wizard step posted from our page after the session expired (no session left, so no
    CSRF token; or signed in too long ago): what was typed is kept under a one-time token and
    the user signs in again, then lands on the same step with it back in the form. A genuine
    cross-site forgery (a live session, a wrong token, another origin) is still refused."""
    if request.method != "POST" or request.headers.get("hx-request") or not _same_origin(request):
        return None
    if isinstance(exc, CsrfError) and (request.session.get(CSRF_SESSION_KEY)
                                       or request.session.get(SESSION_USER_KEY)):
        return None  # a live session: the token is wrong, not expired
    resources = get_resources(request)
    token = typed_resume.keep(resources, request.url.path,
                              getattr(request.state, "submitted_form", None))
    if token is None:
        return None
    back = f"{request.url.path}?restore={token}"
    response = RedirectResponse(f"/sign-in?expired=1&next={quote(back, safe='/')}",
                                status_code=303)
    response.set_cookie(typed_resume.COOKIE, token, max_age=typed_resume.TTL_S,
                        path="/registration", httponly=True, samesite="lax",
                        secure=request.url.scheme == "https")
    return response


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        if isinstance(exc, (SignInRequired, CsrfError)) and not wants_json(request):
            kept = _keep_typed_and_sign_in(request, exc)
            if kept is not None:
                return kept
        if isinstance(exc, SignInRequired) and not wants_json(request):
            back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/sign-in?next={quote(back, safe='/')}", status_code=303)
        errors = exc.errors if isinstance(exc, Invalid) else ()
        if wants_json(request):
            response = problem_response(exc.status, exc.key, params=exc.params, errors=errors,
                                        instance=request.url.path)
            response.headers.update(getattr(exc, "headers", {}))  # e.g. WWW-Authenticate
            return response
        if errors:
            return _render_error(request, exc.status, exc.key,
                                 {"fields": localized_errors(errors)})
        return _render_error(request, exc.status, exc.key, exc.params)

    @app.exception_handler(RequestValidationError)
    async def request_invalid(request: Request, exc: RequestValidationError) -> Response:
        if all(err["loc"][:1] == ("path",) for err in exc.errors()):
            # An id that is not a number, or past any row's, names nothing: not found.
            if wants_json(request):
                return problem_response(404, "error.not_found", instance=request.url.path)
            return _render_error(request, 404, "error.not_found")
        errors = [
            FieldError(".".join(str(p) for p in err["loc"] if p != "body"),
                       "field.required" if err["type"] == "missing" else "field.choice")
            for err in exc.errors()
        ]
        if wants_json(request):
            return problem_response(422, "error.invalid_input", errors=errors,
                                    instance=request.url.path)
        return _render_error(request, 422, "error.invalid_input",
                             {"fields": localized_errors(errors)})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        key = HTTP_ERROR_KEYS.get(exc.status_code,
                                  "error.server" if exc.status_code >= 500 else "error.bad_request")
        if wants_json(request):
            return problem_response(exc.status_code, key, instance=request.url.path)
        return _render_error(request, exc.status_code, key)

    @app.exception_handler(DataError)
    async def data_refused(request: Request, exc: DataError) -> Response:
        # The database refused a value (a number past its column, a NUL in text) that no
        # check before it caught: the request was bad, so a 4xx, but the check is missing.
        log.warning("database refused a value on %s: %s", request.url.path, exc.orig)
        if wants_json(request):
            return problem_response(400, "error.bad_request", instance=request.url.path)
        return _render_error(request, 400, "error.bad_request")

    @app.exception_handler(ClientDisconnect)
    async def client_gone(request: Request, exc: ClientDisconnect) -> Response:
        # The client hung up before its body arrived: no one is left to answer, and nothing
        # of ours failed, so no traceback (anyone could fill the log with them).
        log.info("client disconnected mid-body on %s", request.url.path)
        return Response(status_code=400)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        if wants_json(request):
            return problem_response(500, "error.server", instance=request.url.path)
        try:
            return _render_error(request, 500, "error.server")
        except Exception:  # noqa: BLE001 - the error page must not fail with the request
            log.exception("the error page failed on %s; rendered without the user",
                          request.url.path)
            request.state.user = None
            return _render_error(request, 500, "error.server")


def _juristic(value: str | None) -> str:
    return format_juristic_number(value) if value else "—"


def _warm_up(resources: Resources) -> None:
    resources.warm_up(*delivery.GATEWAYS)
    try:
        with Session(resources.engine) as session:
            log.info("register index ready: %s names", service.warm_up(session))
    except SQLAlchemyError:  # not migrated yet: the first name check builds it instead
        log.warning("register index not built at start-up", exc_info=True)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The app's resources live as long as it serves: its container (core/container.py) is
    built and installed here, and closed when the app stops, unless create_app was given one
    (a test's, which its owner installs and closes). Start-up also builds what every request
    shares (the register's 10,000-name index), then moves everything alive into the
    permanent GC generation: full collections then walk only what requests allocate,
    instead of stalling a request for tens of milliseconds."""
    given: Resources | None = app.state.given_resources
    # Code below the routes (services, in-process tasks) reads the installed container.
    owned = nullcontext(given) if given is not None else installed(build(), close=True)
    with owned as resources:
        app.state.resources = resources
        try:
            await run_in_threadpool(_warm_up, resources)
            gc.freeze()
            yield
        finally:
            app.state.resources = given


class PortalApp(FastAPI):
    """FastAPI with the security headers as its outermost layer, outside even the server-error
    middleware, so that the 500 page carries them too."""

    def __init__(self, *args, production: bool, **kwargs) -> None:
        self.production = production
        super().__init__(*args, **kwargs)

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeadersMiddleware(super().build_middleware_stack(),
                                         production=self.production)


def create_app(resources: Resources | None = None) -> FastAPI:
    """The portal. Its lifespan builds and closes its own resources, unless `resources` are
    given (a test's), which it uses and leaves open for their owner to close."""
    settings = resources.settings if resources is not None else Settings()
    make_private(settings.var_dir, settings.upload_dir)
    configure_logging()
    templating.env.globals["juristic"] = _juristic
    templating.env.globals["ticket_status_label"] = ticket_statuses.label
    templating.env.globals["unread_notifications"] = notification_routes.unread_for
    static_assets = StaticAssets(STATIC_DIR)
    templating.env.globals["static_url"] = static_assets.url

    app = PortalApp(
        title="EEC Business One-Stop",
        dependencies=[Depends(verify_csrf)],
        docs_url=None,  # web/api_docs.py serves /api/docs from the portal's own files
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
        production=settings.environment == "production",
    )
    app.state.given_resources = app.state.resources = resources
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key.get_secret_value(),
        session_cookie="eec_session",
        max_age=settings.session_max_age_s,
        same_site="lax",
        https_only=settings.environment == "production",
    )
    app.add_middleware(LocaleMiddleware)
    app.add_middleware(BodyLimitMiddleware)
    # Outermost of ours: gzip, or brotli or zstd when the browser takes them (every current
    # one takes brotli), of every page, API answer and text file.
    app.add_middleware(CompressMiddleware, minimum_size=COMPRESS_MINIMUM_BYTES)
    app.mount("/static", HashedStaticFiles(static_assets), name="static")
    # Routes are matched in order, one regex each. The machine-facing paths (the JSON API
    # and the callbacks), with prefixes no page shares, come first: every request pays for
    # the routes tried before its own.
    # The OpenAPI document describes the JSON APIs (registration, tickets, Open311); the pages
    # and the partners' signed callbacks, whose contract is the partner's, stay out of it.
    app.include_router(registration_api.router)
    app.include_router(application_api.router)
    app.include_router(api_docs.router, include_in_schema=False)
    app.include_router(webhooks.router, include_in_schema=False)
    # Before the wizard's router, whose /registration/{id}/{step} would take certificate.pdf.
    app.include_router(certificate.router, include_in_schema=False)
    # Complaints before the case desk, so /desk/tickets never falls to a /desk route.
    for router in (complaint_routes.router, complaints_desk.router, ticket_api.router,
                   open311.router):
        app.include_router(router, include_in_schema=router in (ticket_api.router,
                                                                open311.router))
    # The status page before the wizard, whose /registration/{id}/{step} would take it.
    for router in (pages.router, account_routes.router, staff_accounts.router,
                   application_status.router, registration_routes.router,
                   registration_routes.address_router, case_desk.router, desk.router,
                   chat.router, notification_routes.router, dev_mail.router):
        app.include_router(router, include_in_schema=False)
    install_error_handlers(app)
    app.openapi = document_problems(app.openapi)  # type: ignore[method-assign]  # FastAPI's own way
    return app
