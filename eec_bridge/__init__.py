"""The bridge between our portal, Biz Portal and EEC OSS: outbox, relay and delivery tasks."""
