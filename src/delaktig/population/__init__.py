"""Population tables from Statistics Sweden (SCB), for weighting survey results.

The file parser is :mod:`delaktig.population.scb`; it has no Django import.
"""
