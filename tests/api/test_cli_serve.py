"""``geo-ntm serve`` comes from the API package: the library's command line runs no server."""

from __future__ import annotations

import pytest

from api.cli import main as geo_ntm
from geo_ntm import cli


def test_serve_is_a_command_of_the_installed_program(capsys):
    with pytest.raises(SystemExit) as done:
        geo_ntm(["serve", "--help"])
    assert done.value.code == 0 and "--port" in capsys.readouterr().out


def test_the_library_command_line_has_no_serve_and_keeps_the_rest(capsys):
    with pytest.raises(SystemExit):
        cli.parser().parse_args(["serve"])
    assert "invalid choice: 'serve'" in capsys.readouterr().err
    assert cli.parser().parse_args(["boundaries", "units", "--date", "2023-12-31"]).level == "commune"
