"""The typer application behind the ``sla`` command.

Exit codes: 0 ok, 1 problems found, 2 usage error (bad arguments or files).
Errors from the library are printed as one readable message; ``--debug``
shows the traceback instead.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from sla._errors import SLAError

app = typer.Typer(
    name="sla",
    help="Tiered SLA billing and service levels.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Piped output is not squeezed into 80 columns: tables stay readable in logs and files.
console = Console(width=None if sys.stdout.isatty() else 160)
# Messages are never wrapped: one message, one line, whatever the terminal width.
err_console = Console(stderr=True, soft_wrap=True)

_state: dict[str, bool] = {"debug": False}


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    _state["debug"] = debug


def _register() -> None:
    # Commands live in their own modules; importing them registers them on `app`.
    from sla.cli import _calendar, _clocks, _contracts, _demo, _economics, _month, _price  # noqa: F401


def printable(text: str) -> str:
    """``text`` with control characters other than newlines written as escapes."""
    return "".join(c if c.isprintable() or c == "\n" else repr(c)[1:-1] for c in text)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    _register()
    args = sys.argv[1:] if argv is None else argv
    try:
        # Without standalone mode, click returns the code of a `typer.Exit(code)`.
        result = app(args=args, prog_name="sla", standalone_mode=False)
        if isinstance(result, int) and not isinstance(result, bool):
            return result
    except SLAError as exc:
        if _state["debug"]:
            raise
        # User text (file names, field values) is never read as Rich markup, and its
        # control characters (a terminal escape in a file name) are shown, not sent.
        err_console.print(
            Text.assemble(("error:", "bold red"), " ", printable(str(exc))), highlight=False
        )
        return 2
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        err_console.print("aborted")
        return 1
    except Exception as exc:
        # Usage errors of the (vendored) click layer carry their exit code and
        # know how to show themselves; anything else is a bug and propagates.
        show = getattr(exc, "show", None)
        code = getattr(exc, "exit_code", None)
        if callable(show) and isinstance(code, int):
            show()
            return code
        raise
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
