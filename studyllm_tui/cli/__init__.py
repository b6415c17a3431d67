"""Sub-commands. Each module defines ``register(subparsers)`` and is found automatically.

A sub-command's function takes ``(args, config)`` and returns the exit code. Errors are one
line on stderr and exit 1 (see :func:`fail`), never a traceback.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def fail(message: str, code: int = 1) -> int:
    """Print ``studyllm-tui: message`` on stderr and return ``code``."""
    print(f"studyllm-tui: {message}", file=sys.stderr)
    return code


def print_json(data: Any) -> None:
    """JSON on stdout, UTF-8 as is (Japanese stays readable)."""
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
