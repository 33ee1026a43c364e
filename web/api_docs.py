"""/api/docs: Swagger UI for the JSON API, served from the portal's own static files (no CDN),
started by a static script so the page runs under the Content-Security-Policy."""

from __future__ import annotations

from fastapi import APIRouter, Request

from core.templating import render

SWAGGER_UI = "vendor/swagger-ui-5.36.0"
router = APIRouter(include_in_schema=False)


@router.get("/api/docs")
def api_docs(request: Request):
    return render(request, "api_docs.html", {
        "title": request.app.title,
        "openapi_url": request.app.openapi_url,
        "swagger_ui": SWAGGER_UI,
    })
