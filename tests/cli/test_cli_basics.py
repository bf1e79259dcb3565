from __future__ import annotations

from collections.abc import Callable

from tests.cli.conftest import Run

Sla = Callable[..., Run]


def test_no_arguments_shows_help_with_usage_exit_code(sla: Sla) -> None:
    run = sla()
    assert run.code == 2
    assert "Usage" in run.out + run.err


def test_unknown_command_is_a_usage_error(sla: Sla) -> None:
    run = sla("nosuch")
    assert run.code == 2
    assert "No such command" in run.err
    assert "Traceback" not in run.err


def test_debug_flag_shows_the_traceback(sla: Sla) -> None:
    plain = sla("staffing", "--calls", "10", "--aht", "soon")
    assert plain.code == 2
    assert "Traceback" not in plain.err
    debug = sla("--debug", "staffing", "--calls", "10", "--aht", "soon")
    assert debug.code != 0
    assert "Traceback" in debug.err


def test_missing_optional_dependency_names_the_extra() -> None:
    import pytest

    from sla import SLAError
    from sla.cli._common import require

    with pytest.raises(SLAError, match=r"pip install 'sla\[frames\]'"):
        require("no_such_module_for_sla_tests", extra="frames")
