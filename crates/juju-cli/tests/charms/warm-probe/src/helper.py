"""A charm module with a global: fresh in every hook."""

HITS = []
