"""Agencies, units, positions, users and who holds which position when."""
