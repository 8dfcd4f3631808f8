"""The exit statuses of every command, named in one place (listed in the README)."""

from __future__ import annotations

import enum


class Exit(enum.IntEnum):
    OK = 0
    FAILED = 1  # failed, with a clear message
    USAGE = 2  # the command line was wrong
    REFUSED = 3  # a safety check refused to go on
    DIFFERENT = 4  # verify: the trees differ (the comparison itself worked)
    BUG = 70  # an unexpected exception; a crash report was written
    INTERRUPTED = 130  # Ctrl-C, or the run was stopped part-way
