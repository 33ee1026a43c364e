"""The baseline: FastAPI with one JSON endpoint and nothing else, served by uvicorn with the
same settings as the portal, so a ratio against it cancels out the machine's speed."""

from __future__ import annotations

from fastapi import FastAPI
from pydantic import BaseModel, Field

app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)


class EchoIn(BaseModel):
    entity_type: str = ""
    name_th: str = Field(default="", max_length=2000)
    name_en: str = Field(default="", max_length=2000)
    declaration: bool = False


# A plain `def`, like the portal's endpoints, so both run in the threadpool.
@app.post("/echo")
def echo(body: EchoIn) -> dict[str, object]:
    return {"ok": True, "entity_type": body.entity_type, "name_th": body.name_th,
            "name_en": body.name_en}
