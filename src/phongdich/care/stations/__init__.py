"""Mobile medical stations and their targets, community COVID teams, and the health workforce (seed 000, item 4)."""
