"""The ``failoverkit`` parser: every command when none is named, only the named one otherwise."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from failoverkit.cli import COMMANDS, build_parser

ROOT = Path(__file__).resolve().parents[2]


def test_the_full_parser_lists_every_command() -> None:
    usage = build_parser().format_help()
    assert all(f"    {name} " in usage for name in COMMANDS), usage


def test_a_named_command_gets_its_parser_alone() -> None:
    args = build_parser("check").parse_args(["check", "--stack", "local"])
    assert args.stack == "local"
    assert "    drill " not in build_parser("check").format_help()


def test_check_does_not_import_the_drill() -> None:
    code = (
        "import contextlib, io, sys\n"
        "from failoverkit import cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    code = cli.main(['check', '.', '--stack', 'local', '--policy-pack', 'policies', '--format', 'json'])\n"
        "print(code, 'failoverkit.drill' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["0", "False"], done.stdout + done.stderr
