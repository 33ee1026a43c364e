"""Accounts, roles and the signed-in user: models, service and the route dependencies every
context uses to check who is asking. The sign-in pages are the app's (web/accounts/)."""
