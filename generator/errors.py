"""Exit codes and the errors a command turns into a Chinese message (never a traceback).

Every command returns one of the exit codes below; an error raised anywhere below the application
layer carries its own code, so the command only prints its message.
"""

from __future__ import annotations

EXIT_OK = 0  # done, no errors in the data
EXIT_FINDINGS = 1  # the data has errors, or an output was refused (exists, not --force)
EXIT_INPUT = 2  # an input cannot be read, the command was used wrongly, or the system lacks something
EXIT_INTERRUPTED = 130  # Ctrl-C (SIGTERM 143, SIGHUP 129: 128 + the signal, see interrupts.py)
EXIT_PIPE = 141  # the reader of our output closed it (`nianbao rules | head -1`), as Unix tools end


class NianbaoError(Exception):
    """A problem the user can fix; ``str(error)`` is the Chinese message, ``exit_code`` the command's code."""

    exit_code = EXIT_INPUT


class InputError(NianbaoError):
    """The input cannot be read at all; the message says what and where."""


class OutputExists(NianbaoError):
    """The target exists and the user did not say --force."""

    exit_code = EXIT_FINDINGS


class OutputError(NianbaoError, OSError):
    """An output cannot be written (read-only folder, full disk, a file where a folder should be).

    Also an OSError (``strerror``: the reason in Chinese), so code that catches OSError around a write still does.
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""  # the Chinese message, never OSError's "[Errno 28] …"
