"""E-mail: the Mailer protocol and its SMTP client (gateway.py), and the development mail sink
that catches what the portal sends (sink.py). An adapter like bizportal/: it knows nothing of
the portal's contexts; the outbox (eec_bridge.topics) decides what is sent."""
