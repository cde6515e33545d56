"""Outbound webhooks (Standard Webhooks) and the public signals hosts listen to."""
