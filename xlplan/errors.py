"""The error root. Library code raises these; only the CLI turns them into exit codes.

XlplanError            (exit 1) something the user can fix, said in Japanese
└── UsageError         (exit 2) the command line itself is wrong
"""

from __future__ import annotations

__all__ = ["UsageError", "XlplanError"]


class XlplanError(Exception):
    """A failure the user can act on; the message says what to do."""

    exit_code = 1


class UsageError(XlplanError):
    """The command was called wrongly."""

    exit_code = 2
