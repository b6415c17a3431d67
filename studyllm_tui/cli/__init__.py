"""Sub-commands. Each module defines ``register(subparsers)`` and is found automatically.

A sub-command's function takes ``(args, config)`` and returns the exit code. Everything it
prints goes through :mod:`studyllm_tui.cli._output` (``out``/``err``/``fail``/``print_json``),
which shows control characters of untrusted text visibly. Errors are one line on stderr and
exit 1 (see :func:`fail`); whatever a command raises is turned into such a line by
``studyllm_tui.__main__.run_command``, never a traceback. Usage errors are one line too
(:class:`studyllm_tui.cli._args.CliParser`, exit 2).
"""

from __future__ import annotations

from studyllm_tui.cli._output import err, fail, out, print_json, safe, warn

__all__ = ["err", "fail", "out", "print_json", "safe", "warn"]
