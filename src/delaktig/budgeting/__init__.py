"""Medbeslutande: participatory budgeting, with ballots that are secret and can be checked."""
