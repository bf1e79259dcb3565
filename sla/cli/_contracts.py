"""``sla contract check|render|diff|schema``: for contract authors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text

from sla._errors import SLAError
from sla.cli._app import app, console, err_console, printable
from sla.cli._common import UsageProblem, check_writable, emit_json, plain, write_output

contract_app = typer.Typer(help="Validate, render and compare contracts.", no_args_is_help=True)
app.add_typer(contract_app, name="contract")

Json = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]


def _usable(path: Path) -> None:
    """Refuse what is not a contract file at all (exit 2): missing, a directory, empty..."""
    if path.is_dir():
        raise UsageProblem("is a directory, not a contract file", field=str(path))
    if not path.exists():
        raise UsageProblem("file not found", field=str(path))
    if path.suffix.lower() not in (".yaml", ".yml", ".json", ".toml"):
        raise UsageProblem(
            f"a contract is a YAML, JSON or TOML file, not {path.suffix or 'a file without suffix'}"
            " (events files go to --events)",
            field=str(path),
        )
    if path.stat().st_size == 0:
        raise UsageProblem(
            "the file is empty; a contract needs at least contract and tiers", field=str(path)
        )


@contextmanager
def naming(path: Path) -> Iterator[None]:
    """Errors about a contract's content name its file: with several contracts on the
    command line, the user must know which one is wrong."""
    try:
        yield
    except UsageProblem:
        raise
    except SLAError as exc:
        where = str(path)
        if where in str(exc):
            raise
        if len(exc.problems) <= 1:
            field = f"{where}: {exc.field}" if exc.field else where
            raise type(exc)(exc.reason, field=field) from None
        raise type(exc)(f"{where}: {exc.reason}", problems=exc.problems) from None


def load_contract(path: Path) -> Any:
    """Load a contract file; errors name the file (and the line for syntax errors)."""
    from sla.contracts import load

    _usable(path)
    with naming(path):
        return load(path)


def _check_one(path: Path) -> dict[str, Any]:
    """The check of one file: its problems, or why it is not a contract file at all."""
    from sla._errors import ContractError
    from sla.contracts import load, validate
    from sla.contracts._io import read_document
    from sla.pricing import plan_problems

    try:
        _usable(path)
        data = read_document(path)
    except (UsageProblem, ContractError) as exc:  # not there, or not YAML / JSON / TOML
        reason = exc.reason if exc.field in (None, str(path)) else str(exc)
        return {"file": str(path), "ok": False, "usable": False,
                "errors": [{"field": str(path), "reason": reason}], "warnings": []}  # fmt: skip
    try:
        contract = load(data)
    except ContractError:
        problems = validate(data).problems  # every problem, not only the first type error
    else:
        problems = (*validate(contract).problems, *plan_problems(contract))
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    return {
        "file": str(path),
        "ok": not errors,
        "usable": True,
        "errors": [{"field": p.field, "reason": p.reason} for p in errors],
        "warnings": [{"field": p.field, "reason": p.reason} for p in warnings],
    }


@contract_app.command("check")
def check(
    files: Annotated[
        list[Path], typer.Argument(help="Contract files (YAML, JSON or TOML).", metavar="FILE")
    ],
    json_output: Json = False,
) -> None:
    """Validate contracts: every error and warning with its field path.

    Also checks the contract's price_plan for each tier. Exit 1 when a contract
    has errors, 2 when a file is not a contract file at all (missing, empty...).
    """
    results = [_check_one(path) for path in files]
    if json_output:
        emit_json([{k: v for k, v in r.items() if k != "usable"} for r in results])
    else:
        for result in results:
            if not result["usable"]:
                continue  # said on stderr below
            mark = "[green]ok[/]" if result["ok"] else "[red]invalid[/]"
            console.print(
                f"{plain(result['file'])}: {mark} ({len(result['errors'])} errors, "
                f"{len(result['warnings'])} warnings)",
                highlight=False,
                soft_wrap=True,
            )
            for p in result["errors"]:
                console.print(
                    f"  [red]error[/]   {plain(p['field'])}: {plain(p['reason'])}",
                    highlight=False,
                    soft_wrap=True,
                )
            for p in result["warnings"]:
                console.print(
                    f"  [yellow]warning[/] {plain(p['field'])}: {plain(p['reason'])}",
                    highlight=False,
                    soft_wrap=True,
                )
    for result in results:
        if not result["usable"]:
            (problem,) = result["errors"]
            err_console.print(
                Text.assemble(
                    ("error:", "bold red"), printable(f" {result['file']}: {problem['reason']}")
                ),
                highlight=False,
                soft_wrap=True,
            )
    if not all(r["usable"] for r in results):
        raise typer.Exit(2)
    if not all(r["ok"] for r in results):
        raise typer.Exit(1)


contract_app.command(
    "validate", help="Same as check: validate contracts (exit 1 on errors, 2 on unusable files)."
)(check)


@contract_app.command("render")
def render(
    file: Annotated[Path, typer.Argument(help="Contract file.", metavar="FILE")],
    format: Annotated[str, typer.Option("--format", "-f", help="markdown or html.")] = "markdown",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file.")] = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print {file, format, text} as JSON.")
    ] = False,
) -> None:
    """Render a contract as a readable SLA document (Markdown or HTML)."""
    from sla.contracts import render as render_contract

    if format not in ("markdown", "html"):
        raise UsageProblem(f"{format!r}: use markdown or html", field="--format")
    if out is not None:
        check_writable(out, field="--out")
    text = render_contract(load_contract(file), format=format)  # type: ignore[arg-type]
    if out is not None:
        write_output(out, text, field="--out")
    if json_output:
        emit_json({"file": str(file), "format": format, "text": text,
                   "out": None if out is None else str(out)})  # fmt: skip
    elif out is None:
        typer.echo(text)
    else:
        console.print(f"wrote {plain(out)}", highlight=False)


@contract_app.command("diff")
def diff(
    old: Annotated[Path, typer.Argument(help="The earlier version.", metavar="OLD")],
    new: Annotated[Path, typer.Argument(help="The later version.", metavar="NEW")],
    json_output: Json = False,
) -> None:
    """What changed between two versions of a contract (a redline); exit 1 if anything did."""
    from sla.contracts import diff as diff_contracts

    result = diff_contracts(load_contract(old), load_contract(new))
    if json_output:
        emit_json(
            [{"path": c.path, "kind": c.kind, "old": c.old, "new": c.new} for c in result.changes]
        )
    else:
        typer.echo(result.to_markdown())
    if result.changes:
        raise typer.Exit(1)


@contract_app.command("schema")
def schema(
    json_output: Annotated[
        bool, typer.Option("--json", help="Accepted for symmetry: the schema is JSON.")
    ] = False,
) -> None:
    """Print the JSON Schema of contract files (for editors)."""
    from sla.contracts import json_schema

    typer.echo(json.dumps(json_schema(), indent=2))
