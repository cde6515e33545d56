"""The host-facing trust surface: signed licence credentials with a live status list, consent checks
for generation tools, C2PA and GB 45438-2025 content labels, and a public verify page."""
