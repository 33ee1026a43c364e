# One image for the portal: docker-compose.yml runs it as the web app (migrations, then
# uvicorn), the Celery worker and the outbox relay.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app
WORKDIR /app

# Dependencies from pyproject.toml alone, so a code change does not reinstall them. The code
# runs from /app (not site-packages) because alembic.ini, migrations/ and the templates are
# found next to it.
COPY pyproject.toml ./
RUN python -c "import tomllib; \
        deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']; \
        print('\n'.join(deps))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
# Compiled catalogs are build output (see the Makefile); the .po files are the source.
RUN pybabel compile -d web/locale -D messages \
    && useradd --system --uid 10001 --no-create-home --home-dir /app eec \
    && mkdir -p /data/uploads \
    && chown eec /data/uploads

USER eec
ENV EEC_UPLOAD_DIR=/data/uploads
EXPOSE 8000
CMD ["uvicorn", "web.main:app", "--host", "0.0.0.0", "--port", "8000", "--no-proxy-headers"]
