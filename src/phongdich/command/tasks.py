"""Periodic work of the command centre."""
