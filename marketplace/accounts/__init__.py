"""Accounts: sign-up, roles and notifications."""
