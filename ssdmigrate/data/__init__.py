"""Data files that ship with ssdmigrate (read through importlib.resources)."""
