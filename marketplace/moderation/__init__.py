"""Moderation: cases, reports, face claims, takedowns, appeals and the audit log."""
