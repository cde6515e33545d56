"""The price-on-request loop (Star tiers): the answered quote a buyer can buy, and its events."""
