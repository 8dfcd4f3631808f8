"""The bundled DejaVu Sans font, for PDF checklists (licence beside it)."""
