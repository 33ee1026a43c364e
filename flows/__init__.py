"""The composition layer: where two contexts hand work over (core <- contexts <- flows <- web).

Importing this package subscribes the handlers of every domain event (flows.handlers), so
each process that changes cases (the web app, the Celery worker through flows.worker, the relay
through flows.relay) imports it before anything else; core.events refuses to publish an event
nobody handles."""

from flows import handlers, tables  # noqa: F401 - tables: every table, so foreign keys resolve

handlers.subscribe_all()
