"""Purchases: checkout, payment, licences, escrow release and refund (one area, one folder)."""
