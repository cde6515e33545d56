"""A seller's earnings over time: each release with its commission, monthly totals, a chart."""
