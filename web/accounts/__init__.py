"""Accounts: applicants, EEC officers and admins; sign-up, sign-in and the current user."""
