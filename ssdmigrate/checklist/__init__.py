"""The drive-swap checklists: schema, loading, filling, rendering and walking.

Kept import-free so that `ssdmigrate.models` can borrow the YAML reader without
loading the rest (rendering pulls in fpdf only when a PDF is asked for).
"""
