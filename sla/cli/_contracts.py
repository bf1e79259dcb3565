"""``sla contract check|render|diff|schema``: for contract authors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from sla.cli._app import app, console
from sla.cli._common import UsageProblem, emit_json

contract_app = typer.Typer(help="Validate, render and compare contracts.", no_args_is_help=True)
app.add_typer(contract_app, name="contract")

Json = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]


def load_contract(path: Path) -> Any:
    """Load a contract file; errors name the file (and the line for syntax errors)."""
    from sla.contracts import load

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
    return load(path)


@contract_app.command("check")
def check(
    files: Annotated[
        list[Path], typer.Argument(help="Contract files (YAML, JSON or TOML).", metavar="FILE")
    ],
    json_output: Json = False,
) -> None:
    """Validate contracts: every error and warning with its field path (exit 1 on errors)."""
    from sla.contracts import validate

    results: list[dict[str, Any]] = []
    failed = False
    for path in files:
        report = validate(load_contract(path))
        failed = failed or not report.ok
        results.append(
            {
                "file": str(path),
                "ok": report.ok,
                "errors": [{"field": p.field, "reason": p.reason} for p in report.errors],
                "warnings": [{"field": p.field, "reason": p.reason} for p in report.warnings],
            }
        )
    if json_output:
        emit_json(results)
    else:
        for result in results:
            mark = "[green]ok[/]" if result["ok"] else "[red]invalid[/]"
            console.print(
                f"{result['file']}: {mark} ({len(result['errors'])} errors, "
                f"{len(result['warnings'])} warnings)"
            )
            for p in result["errors"]:
                console.print(f"  [red]error[/]   {p['field']}: {p['reason']}", highlight=False)
            for p in result["warnings"]:
                console.print(f"  [yellow]warning[/] {p['field']}: {p['reason']}", highlight=False)
    if failed:
        raise typer.Exit(1)


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
    text = render_contract(load_contract(file), format=format)  # type: ignore[arg-type]
    if out is not None:
        out.write_text(text, encoding="utf-8")
    if json_output:
        emit_json({"file": str(file), "format": format, "text": text,
                   "out": None if out is None else str(out)})  # fmt: skip
    elif out is None:
        typer.echo(text)
    else:
        console.print(f"wrote {out}")


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
