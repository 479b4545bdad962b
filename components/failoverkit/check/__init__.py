"""``failoverkit check``: CrossGuard policy checks offline, with no engine, cloud or credentials.

Runs a Pulumi Python project's program under mocks with one stack's config, adds the resources
the engine adds (stack, default providers), evaluates Python policy packs against every
resource the way ``pulumi preview --policy-pack`` does, and reports as text, JSON or SARIF.

Exit codes: 0 no mandatory violation; 1 mandatory violations; 2 bad usage, unknown stack, bad
config, a program or pack that raised.

Example::

    result = check_project(Path("."), "local", policy_packs=[Path("policies")])
    result.exit_code, [v.policy for v in result.mandatory]

The lead's ``cli.py`` wires :func:`add_arguments` and :func:`run` into ``failoverkit check``.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from failoverkit.check.mocks import (
    INVOKE_RESULTS,
    PlausibleMocks,
    RecordedResource,
    RecordingMonitor,
    run_program,
)
from failoverkit.check.packs import (
    PackResult,
    PolicyConfig,
    PolicyPackHandle,
    Violation,
    evaluate_pack,
    load_policy_pack,
    parse_policy_pack_config,
    read_policy_pack_config,
    without_gc_pauses,
)
from failoverkit.check.project import PulumiProject, load_project
from failoverkit.check.report import CheckResult, render, to_json, to_sarif
from failoverkit.check.runner import run_project, stack_urn
from failoverkit.errors import CheckError, ConfigError

__all__ = [
    "INVOKE_RESULTS",
    "CheckResult",
    "PackResult",
    "PlausibleMocks",
    "PolicyConfig",
    "PolicyPackHandle",
    "ProgramError",
    "PulumiProject",
    "RecordedResource",
    "RecordingMonitor",
    "Violation",
    "add_arguments",
    "check_project",
    "evaluate_pack",
    "load_policy_pack",
    "load_project",
    "parse_policy_pack_config",
    "read_policy_pack_config",
    "render",
    "run",
    "run_program",
    "run_project",
    "to_json",
    "to_sarif",
]


class ProgramError(CheckError):
    """The Pulumi program raised while running under mocks: where, and whose fault it is.

    ``fault`` is ``"program"`` (the program, its config or its environment: a real preview fails
    too) or ``"mocks"`` (the program needed a value only the cloud knows, which the mocks could
    not give offline).
    """

    def __init__(self, project: PulumiProject, error: BaseException, unanswered: Sequence[str] = ()) -> None:
        self.error = error
        self.location = program_location(error, project.directory)
        self.fault, advice = _blame(error, unanswered)
        where = f" at {self.location}" if self.location else f" ({_shown(project.main)})"
        super().__init__(f"the program failed{where}: {type(error).__name__}: {error}\n  {advice}")


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def program_location(error: BaseException, directory: Path) -> str | None:
    """``path/__main__.py:35`` of the innermost frame in the project's own files, following the cause chain."""
    found: str | None = None
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        for frame in traceback.extract_tb(current.__traceback__):
            path = Path(frame.filename)
            if path.is_absolute() and path.is_relative_to(directory) and "site-packages" not in path.parts:
                found = f"{_shown(path)}:{frame.lineno}"
        if found:
            return found
        current = current.__cause__ or current.__context__
    return None


def _blame(error: BaseException, unanswered: Sequence[str]) -> tuple[str, str]:
    if isinstance(error, ImportError):
        return "program", (
            "fault: the program's environment, not the mocks: install the project's requirements in the Python "
            "that runs failoverkit check"
        )
    if type(error).__name__ == "ConfigMissingError":
        return "program", "fault: the stack's config, not the mocks: set the key in Pulumi.<stack>.yaml or --config"
    if unanswered:
        tokens = ", ".join(dict.fromkeys(unanswered))
        return "mocks", (
            f"fault: most likely the offline mocks, not the program: {tokens} has no offline result, so it is unknown "
            "here, where a real preview would have asked the cloud (docs/ci.md lists the data sources check answers)"
        )
    return "program", "fault: the program itself, not the mocks: a real pulumi preview would fail the same way"


def check_project(
    directory: Path,
    stack: str,
    *,
    policy_packs: Sequence[Path] = (),
    policy_pack_configs: Sequence[Path] = (),
    config: Sequence[str] = (),
) -> CheckResult:
    """Run ``directory``'s program for ``stack`` under mocks and evaluate ``policy_packs`` against it.

    ``policy_pack_configs`` pairs with ``policy_packs`` in order, as in ``pulumi preview``
    (give none, or one per pack). Raises ConfigError (bad config, bad pack config),
    ProgramError (the program raised) or CheckError (unknown stack, unloadable pack).
    """
    if policy_pack_configs and len(policy_pack_configs) != len(policy_packs):
        raise CheckError('the number of "--policy-pack-config" flags must match the number of "--policy-pack" flags')
    # Read every input first: a bad pack or pack config is reported before the program runs.
    pack_configs = [read_policy_pack_config(p) for p in policy_pack_configs] or [{} for _ in policy_packs]
    project = load_project(directory, stack, config)
    # What programs and packs print goes to stderr: stdout carries the report (JSON, SARIF).
    with contextlib.redirect_stdout(sys.stderr), without_gc_pauses():
        packs = [load_policy_pack(p) for p in policy_packs]
        mocks = PlausibleMocks(preview=True)
        try:
            resources = run_project(project, monitor=RecordingMonitor(mocks))
        except ConfigError:
            raise
        except Exception as exc:
            config_error = _config_error_in(exc)
            if config_error is not None:
                raise config_error from exc
            raise ProgramError(project, exc, mocks.unanswered) from exc
        root = stack_urn(project.name, project.stack)
        results = [
            evaluate_pack(pack, resources, config=cfg, stack_urn=root)
            for pack, cfg in zip(packs, pack_configs, strict=True)
        ]
    return CheckResult(project=project, resources=resources, packs=results)


def _config_error_in(exc: BaseException) -> ConfigError | None:
    # The SDK may wrap an exception raised inside a component; find a ConfigError in the chain.
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ConfigError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``failoverkit check``'s arguments (see DESIGN.md "CLI") to ``parser``."""
    parser.add_argument(
        "project_dir", metavar="PROJECT_DIR", nargs="?", default=".", type=Path, help="Pulumi project directory"
    )
    parser.add_argument("--stack", "-s", required=True, help="stack whose Pulumi.<stack>.yaml config to use")
    parser.add_argument(
        "--policy-pack",
        dest="policy_packs",
        metavar="DIR",
        action="append",
        type=Path,
        default=[],
        help="Python policy pack directory to evaluate (repeatable)",
    )
    parser.add_argument(
        "--policy-pack-config",
        dest="policy_pack_configs",
        metavar="FILE",
        action="append",
        type=Path,
        default=[],
        help="JSON config for the policy pack at the same position (repeatable, one per --policy-pack)",
    )
    parser.add_argument(
        "--config",
        "-c",
        dest="config",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="override a config value; bare keys get the project namespace (repeatable)",
    )
    parser.add_argument("--format", choices=("text", "json", "sarif"), default="text", help="report format")
    parser.add_argument("--output", "-o", metavar="FILE", type=Path, help="write the report to FILE")
    parser.add_argument("--verbose", "-v", action="store_true", help="list resources; show tracebacks")


def run(args: argparse.Namespace) -> int:
    """Run ``failoverkit check`` with parsed ``args``; return the exit code (0, 1 or 2)."""
    verbose = bool(getattr(args, "verbose", False))
    try:
        result = check_project(
            Path(args.project_dir),
            args.stack,
            policy_packs=list(args.policy_packs or []),
            policy_pack_configs=list(args.policy_pack_configs or []),
            config=list(args.config or []),
        )
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    except CheckError as exc:
        if verbose and isinstance(exc, ProgramError):
            traceback.print_exception(exc.error, file=sys.stderr)
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report = render(result, args.format, verbose=verbose)
    if args.output is not None:
        try:
            args.output.parent.mkdir(parents=True, exist_ok=True)
            args.output.write_text(report, encoding="utf-8")
        except OSError as exc:
            print(f"error: --output: cannot write {args.output} ({exc.strerror})", file=sys.stderr)
            return 2
        if args.format != "text":
            # CI logs still get the human report; the file gets the machine one.
            sys.stdout.write(render(result, "text", verbose=verbose))
    else:
        sys.stdout.write(report)
    return result.exit_code


def main(argv: Sequence[str] | None = None) -> int:
    """Stand-alone entry point: ``python -m failoverkit.check PROJECT_DIR --stack NAME ...``."""
    parser = argparse.ArgumentParser(
        prog="failoverkit check", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))
