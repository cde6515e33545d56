"""Who may use my face: per listing, public, buyers the seller approves, or invitation only."""
