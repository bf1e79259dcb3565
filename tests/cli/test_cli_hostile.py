"""Issue 13 items 15-18 and issue 17's command-line findings, each with its input.

These run ``sla.cli.main`` in-process (the same entry point as the ``sla``
script) so that many hostile inputs stay cheap.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path

import pytest
import yaml

from sla.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "contracts"


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


def run(*args: str) -> Result:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return Result(code, out.getvalue(), err.getvalue())


# item 15: error text is never Rich markup


@pytest.mark.parametrize(
    "name", ["missing [/b].yaml", "missing [draft].yaml", "x [bold red]y.yaml"]
)
def test_file_names_with_brackets_are_printed_as_written(name: str, tmp_path: Path) -> None:
    result = run("contract", "check", str(tmp_path / name))
    assert result.code == 2
    assert name in result.err
    assert result.err.count("\n") == 1


def test_field_values_with_brackets_are_printed_as_written(tmp_path: Path) -> None:
    data = yaml.safe_load((EXAMPLES / "tier_a.yaml").read_text(encoding="utf-8"))
    data["priorities"] = ["[/b]", "[/b]"]
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = run("contract", "check", str(path))
    assert result.code == 1
    assert "'[/b]' is listed twice" in result.out


def test_table_cells_with_markup_are_printed_as_written(tmp_path: Path) -> None:
    result = run("calendar", "add", "2025-03-07T16:30+01:00", "1h", "--hours",
                 "mon-fri=09:00-17:00", "--tz", "Europe/Berlin")  # fmt: skip
    assert result.code == 0
    bad = run("calendar", "add", "[/b]", "1h", "--tz", "Europe/Berlin")
    assert bad.code == 2
    assert "[/b]" in bad.err
    assert "Traceback" not in bad.err


# item 16: outputs into a missing or read-only directory


def test_render_into_a_missing_directory_is_one_line(tmp_path: Path) -> None:
    out = tmp_path / "nope" / "c.md"
    result = run("contract", "render", str(EXAMPLES / "tier_a.yaml"), "-o", str(out))
    assert result.code == 2
    assert "does not exist" in result.err
    assert result.err.count("\n") == 1


def test_price_html_into_a_missing_directory_is_one_line(tmp_path: Path) -> None:
    result = run("price", "quote", "--tier", "A", "--html", str(tmp_path / "no" / "q.html"))
    assert result.code == 2
    assert "--html" in result.err
    assert result.err.count("\n") == 1


def test_report_into_a_missing_directory_fails_before_any_work(tmp_path: Path) -> None:
    result = run("report", "-c", str(EXAMPLES / "tier_a.yaml"), "-o",
                 str(tmp_path / "no" / "r.html"))  # fmt: skip
    assert result.code == 2
    assert "--out" in result.err
    assert result.err.count("\n") == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_outputs_into_a_read_only_directory(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        result = run("contract", "render", str(EXAMPLES / "tier_a.yaml"),
                     "-o", str(locked / "c.md"))  # fmt: skip
        assert result.code == 2
        assert "permission denied" in result.err
    finally:
        locked.chmod(0o755)


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_a_write_that_fails_is_one_line_and_leaves_nothing() -> None:
    # /proc takes no new files, even for root: the write itself fails.
    result = run("contract", "render", str(EXAMPLES / "tier_a.yaml"), "-o", "/proc/sla-c.md")
    assert result.code == 2
    assert "cannot write" in result.err
    assert result.err.count("\n") == 1


def test_report_leaves_no_temp_files_on_failure(tmp_path: Path) -> None:
    from sla.report._html import write_atomically

    target = tmp_path / "r.html"

    with pytest.raises(TypeError):
        write_atomically(target, 42)  # type: ignore[arg-type]  # fails mid-write
    assert list(tmp_path.iterdir()) == []
    write_atomically(target, "<p>ok</p>")
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]


def test_report_writes_no_temp_file(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = run("report", "-c", str(EXAMPLES / "tier_c.yaml"), "-o", str(out), "--json")
    assert result.code == 0, result.err
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]


# item 17: one type error does not hide the others; exit 1; --json prints JSON; names the file


def broken_version(tmp_path: Path) -> Path:
    data = yaml.safe_load((EXAMPLES / "tier_a.yaml").read_text(encoding="utf-8"))
    data["version"] = "two"
    data["effective_until"] = "2000-01-01"
    path = tmp_path / "two.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_version_two_lists_every_problem_with_exit_1(tmp_path: Path) -> None:
    path = broken_version(tmp_path)
    result = run("contract", "check", str(path), str(EXAMPLES / "tier_b.yaml"), "--json")
    assert result.code == 1
    first, second = json.loads(result.out)
    assert first["file"] == str(path)
    assert not first["ok"]
    assert {"version", "effective_until"} <= {e["field"] for e in first["errors"]}
    assert second["ok"]


def test_validate_is_an_alias_of_check(tmp_path: Path) -> None:
    path = broken_version(tmp_path)
    check = run("contract", "check", str(path), "--json")
    alias = run("contract", "validate", str(path), "--json")
    assert (alias.code, alias.out) == (check.code, check.out)


def test_a_broken_contract_among_several_is_named(tmp_path: Path) -> None:
    path = broken_version(tmp_path)
    result = run("report", "-c", str(EXAMPLES / "tier_b.yaml"), "-c", str(path),
                 "-o", str(tmp_path / "r.html"))  # fmt: skip
    assert result.code == 2
    assert str(path) in result.err
    assert "Traceback" not in result.err


def test_an_invalid_contract_among_several_is_named_in_every_command(tmp_path: Path) -> None:
    data = yaml.safe_load((EXAMPLES / "tier_b.yaml").read_text(encoding="utf-8"))
    data["effective_until"] = "2000-01-01"  # loads, but does not validate
    path = tmp_path / "ends-early.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    for argv in (
        ["report", "-c", str(EXAMPLES / "tier_a.yaml"), "-c", str(path),
         "-o", str(tmp_path / "r.html")],
        ["clocks", "evaluate", "-c", str(path), "-e", str(tmp_path / "none.csv")],
    ):  # fmt: skip
        result = run(*argv)
        assert result.code == 2
        assert result.err.startswith(f"error: {path}: effective_until")


def test_syntax_error_is_unreadable_exit_2_with_json(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("contract: [oops\n", encoding="utf-8")
    result = run("contract", "check", str(path), "--json")
    assert result.code == 2
    (entry,) = json.loads(result.out)
    assert entry["file"] == str(path)
    assert not entry["ok"]
    assert str(path) in result.err


# item 18: price_plan is checked by contract check, and check agrees with report


def test_nan_amount_and_unknown_key_in_price_plan_fail_check(tmp_path: Path) -> None:
    data = yaml.safe_load((EXAMPLES / "tier_a.yaml").read_text(encoding="utf-8"))
    data["price_plan"]["charges"]["monthly fee"]["amount"] = "NaN"
    path = tmp_path / "nan.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = run("contract", "check", str(path), "--json")
    assert result.code == 1
    (entry,) = json.loads(result.out)
    assert any("price_plan" in e["field"] and "NaN" in e["reason"] for e in entry["errors"])
    report = run("report", "-c", str(path), "-o", str(tmp_path / "r.html"))
    assert report.code == 2
    assert "price_plan" in report.err

    data["price_plan"]["colour"] = "red"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    (entry,) = json.loads(run("contract", "check", str(path), "--json").out)
    assert any(e["field"] == "price_plan.colour" for e in entry["errors"])


def test_custom_tier_example_passes_check_and_works_in_report(tmp_path: Path) -> None:
    example = EXAMPLES / "custom_tier.yaml"
    check = run("contract", "check", str(example), "--json")
    assert check.code == 0, check.out
    (entry,) = json.loads(check.out)
    assert [w["field"] for w in entry["warnings"]] == ["tiers.P"]  # not priced: said so
    out = tmp_path / "r.html"
    report = run("report", "-c", str(example), "-o", str(out), "--json")
    assert report.code == 0, report.err
    assert "Not invoiced" in out.read_text(encoding="utf-8")


# issue 17: report accepts events without a tier column for a single-tier contract


def test_report_events_without_tier_column(tmp_path: Path) -> None:
    events = tmp_path / "events.csv"
    events.write_text(
        "contact_id,at,kind,channel,priority\n"
        "c1,2025-06-02T09:00:00+02:00,created,email,normal\n"
        "c1,2025-06-02T09:30:00+02:00,agent_reply,email,normal\n",
        encoding="utf-8",
    )
    contract = str(EXAMPLES / "tier_b.yaml")
    evaluate = run("clocks", "evaluate", "-c", contract, "-e", str(events), "--json")
    assert evaluate.code == 0, evaluate.err
    report = run("report", "-c", contract, "-e", str(events), "-o", str(tmp_path / "r.html"),
                 "--json")  # fmt: skip
    assert report.code == 0, report.err
    assert json.loads(report.out)["contacts"] == 1


# item 6 and 13 through the command line: plan and calendar files share the limits


def test_alias_bomb_and_deep_plan_files_are_refused_naming_the_file(tmp_path: Path) -> None:
    bomb = "name: x\ncurrency: USD\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        bomb += f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]\n"
    deep = '{"name": ' + "[" * 1000 + "]" * 1000 + "}"
    for file_name, text in (("bomb.yaml", bomb), ("deep.json", deep)):
        path = tmp_path / file_name
        path.write_text(text, encoding="utf-8")
        result = run("price", "quote", "--plan", str(path))
        assert result.code == 2
        assert result.err.startswith(f"error: {path}")
        assert "Traceback" not in result.err
