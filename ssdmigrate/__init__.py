"""ssdmigrate: move a Mac's boot disk onto a new SSD, safely."""

__version__ = "0.1.0"
