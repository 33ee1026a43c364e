"""The kernel: what every package shares (settings, database, clock, Thai dates and IDs, i18n,
errors and problem details, security, accounts). It imports no other package of the portal."""
