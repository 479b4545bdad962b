"""The ``failoverkit`` command: engine operations, offline checks and failover drills.

failoverkit up|preview|refresh|destroy --stack NAME [--policy-pack PATH]... [--yes]
failoverkit check [PROJECT_DIR] --stack NAME [--policy-pack DIR]... [--format text|json|sarif]
failoverkit drill --stack NAME [--fault crash|hang|unhealthy|slow] [--target T] [--chart FILE.png]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from failoverkit.errors import ConfigError, FailoverKitError

STACK_RM_HINT = (
    "The resources in the stack have been deleted, but the history and configuration",
    "If you want to remove the stack completely, run `pulumi stack rm",
)
"""The engine's closing lines after a destroy: untrue here, `failoverkit destroy` removes the stack itself."""

ENGINE_OPERATIONS = {
    "up": "deploy the stack (create or update its resources)",
    "preview": "show what `up` would change, with policy packs applied",
    "refresh": "read back the real state of the stack's resources",
    "destroy": "delete every resource of the stack and its engine state",
}


def _add_engine_parser(sub: Any, name: str, help_text: str) -> None:
    p = sub.add_parser(name, help=help_text, description=help_text)
    p.add_argument("--stack", "-s", required=True, help="stack name (stacks/Pulumi.<NAME>.yaml)")
    p.add_argument("--project-dir", type=Path, default=None, help="project directory (default: nearest Pulumi.yaml)")
    p.add_argument("--yes", "-y", action="store_true", help="don't ask for confirmation (non-interactive runs)")
    if name in ("up", "preview"):
        p.add_argument(
            "--policy-pack", action="append", default=[], metavar="PATH", help="policy pack dir or launcher; repeatable"
        )
        p.add_argument(
            "--policy-pack-config", action="append", default=[], metavar="FILE", help="config JSON per policy pack"
        )
    p.set_defaults(handler=run_engine_operation, operation=name)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The ``failoverkit`` parser; with ``command``, that subcommand's alone (``check`` then never imports
    the drill's HTTP, DNS and chart modules: 0.3 s of a check's start-up)."""
    parser = argparse.ArgumentParser(
        prog="failoverkit",
        description="Deploy one app to two or more clouds behind health-checked failover DNS, check it, drill it.",
    )
    sub = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for name, help_text in ENGINE_OPERATIONS.items():
        if command in (None, name):
            _add_engine_parser(sub, name, help_text)
    if command in (None, "check"):
        from failoverkit import check

        check_parser = sub.add_parser(
            "check", help="run CrossGuard policies offline under mocks (no cloud, no credentials)"
        )
        check.add_arguments(check_parser)
        check_parser.set_defaults(handler=check.run)
    if command in (None, "drill"):
        from failoverkit import drill

        drill_parser = sub.add_parser("drill", help="fail a target of a deployed stack and measure the failover")
        drill.add_arguments(drill_parser)
        drill_parser.set_defaults(handler=drill.run)
    return parser


COMMANDS = (*ENGINE_OPERATIONS, "check", "drill")


def _confirm(operation: str, stack: str) -> bool:
    if not sys.stdin.isatty():
        print(f"failoverkit {operation}: refusing to {operation} without --yes (no terminal to ask)", file=sys.stderr)
        return False
    answer = input(f"{operation} stack {stack!r}? [y/N] ")
    return answer.strip().lower() in ("y", "yes")


def run_engine_operation(args: argparse.Namespace) -> int:
    """Run one engine operation, streaming the engine's output; 0 on success, 1 on failure."""
    from pulumi.automation import errors as auto_errors

    from failoverkit import engine

    project_dir = (args.project_dir or engine.find_project_dir()).resolve()
    if args.operation in ("up", "destroy") and not args.yes and not _confirm(args.operation, args.stack):
        return 2
    stack = engine.open_stack(args.stack, project_dir)
    out = sys.stdout

    def stream(line: str) -> None:
        if args.operation == "destroy" and any(hint in line for hint in STACK_RM_HINT):
            return
        out.write(line if line.endswith("\n") else line + "\n")
        out.flush()

    started = time.monotonic()
    try:
        if args.operation == "up":
            stack.up(
                on_output=stream,
                policy_packs=[str(Path(p).resolve()) for p in args.policy_pack] or None,
                policy_pack_configs=[str(Path(p).resolve()) for p in args.policy_pack_config] or None,
            )
        elif args.operation == "preview":
            stack.preview(
                on_output=stream,
                policy_packs=[str(Path(p).resolve()) for p in args.policy_pack] or None,
                policy_pack_configs=[str(Path(p).resolve()) for p in args.policy_pack_config] or None,
            )
        elif args.operation == "refresh":
            stack.refresh(on_output=stream)
        else:
            stack.destroy(on_output=stream)
            engine.remove_stack_files(stack, project_dir)
    except auto_errors.CommandError as exc:
        # The engine already streamed its diagnostics; say briefly what failed.
        print(f"failoverkit {args.operation}: stack {args.stack!r} failed ({_first_error(exc)})", file=sys.stderr)
        return 1
    if args.operation == "destroy":
        print(
            f"failoverkit destroy: stack {args.stack!r} deleted its resources and was removed with its history "
            f"and engine state in {time.monotonic() - started:.1f} s; its config stays in "
            f"{os.path.relpath(engine.stack_config_file(project_dir, args.stack), project_dir)}"
        )
        return 0
    print(f"failoverkit {args.operation}: stack {args.stack!r} done in {time.monotonic() - started:.1f} s")
    return 0


def _first_error(exc: Exception) -> str:
    for line in str(exc).splitlines():
        if "error:" in line:
            return line.strip()[:300]
    return str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # A known command first (the parser has no global options): build only its parser.
    parser = build_parser(argv[0] if argv and argv[0] in COMMANDS else None)
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
    except ConfigError as exc:
        print("failoverkit: bad config:\n  " + "\n  ".join(exc.problems), file=sys.stderr)
        return 2
    except FailoverKitError as exc:
        print(f"failoverkit: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("failoverkit: interrupted", file=sys.stderr)
        return 130
    return code


def console() -> None:
    """The ``failoverkit`` command: :func:`main` with the process's arguments, then exit.

    Interpreter teardown runs the cyclic garbage collector over everything still alive; after a check
    of a cloud stack that is the cloud SDKs' classes, and it took 1-2 s (bench/bench_check.py). Nothing
    left needs collecting, so the survivors are frozen out of the collector's sight first.
    """
    code = main()
    sys.stdout.flush()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    console()
