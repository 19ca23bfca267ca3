"""Joining a strategy and networks: external actors, commitments, their reported activities,
networks with members, meetings and documents (see docs/followup-joining.md)."""
