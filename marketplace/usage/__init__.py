"""Usage: usage reports, first use, deadlines, approvals, disputes and revocation."""
