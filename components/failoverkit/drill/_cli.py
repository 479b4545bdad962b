"""``failoverkit drill``: the command-line face of a drill (cli.py calls ``add_arguments`` and ``run``).

Exit codes: 0 failover and failback observed within budget; 1 not; 2 bad
usage or a drill that could not start (``DrillError``, no engine, bad
outputs); 130 interrupted (after the target was restored).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from failoverkit.drill._faults import make_injector
from failoverkit.drill._observer import HttpFetcher, Observer, dns_resolver
from failoverkit.drill._plan import DrillPlan, Fault
from failoverkit.drill._report import RichProgress, render_json, render_text, write_chart
from failoverkit.drill._runner import DrillResult, run_drill
from failoverkit.errors import DrillError, FailoverKitError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the drill's options to ``parser`` (the ``drill`` subcommand of ``failoverkit``)."""
    parser.description = (
        "Fail one target of a deployed stack, watch DNS and HTTP move to a standby and back, "
        "and compare the measured times with the worst-case budget."
    )
    parser.add_argument("--stack", "-s", required=True, help="stack name, e.g. local")
    parser.add_argument(
        "--project-dir", type=Path, default=None, help="project directory (default: nearest Pulumi.yaml)"
    )
    parser.add_argument(
        "--fault",
        choices=[f.value for f in Fault],
        default=Fault.CRASH.value,
        help="crash: kill the process; hang: SIGSTOP it; unhealthy: health checks get 503; "
        "slow: health checks answer after their timeout (default: crash)",
    )
    parser.add_argument(
        "--target", default=None, help="target key (aws-us-east-1) or cloud name (aws); default: the primary"
    )
    parser.add_argument("--format", choices=["text", "json"], default="text", help="report format (default: text)")
    parser.add_argument("--chart", type=Path, default=None, metavar="FILE.png", help="write a timeline chart (PNG)")
    parser.add_argument("--output", type=Path, default=None, metavar="FILE", help="write the report here, not stdout")
    parser.add_argument(
        "--outputs-file",
        type=Path,
        default=None,
        metavar="FILE",
        help="read the stack outputs from this JSON file (e.g. `pulumi stack output --json`) instead of the engine",
    )


def _load_outputs(args: argparse.Namespace) -> tuple[dict[str, Any], Path | None]:
    if args.outputs_file is not None:
        try:
            data = json.loads(Path(args.outputs_file).read_text())
        except (OSError, ValueError) as exc:
            raise FailoverKitError(f"--outputs-file: cannot read {args.outputs_file}: {exc}") from None
        if not isinstance(data, dict):
            raise FailoverKitError(f"--outputs-file: expected a JSON object of stack outputs in {args.outputs_file}")
        return data, None
    from failoverkit import engine  # the engine (and the Automation API) only when outputs come from it

    project_dir = (args.project_dir or engine.find_project_dir()).resolve()
    fallback_state = engine.EngineSettings(project_dir, args.stack).state_dir
    return engine.stack_outputs(args.stack, project_dir), fallback_state


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM (a CI timeout, a supervisor) restores the target like Ctrl-C does."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def require_local(plan: DrillPlan) -> None:
    """Refuse stacks the drill cannot observe faithfully yet (cloud targets), before touching anything."""
    cloud = [e.key for e in plan.endpoints if not e.simulated]
    if cloud or plan.dns_server is None:
        raise DrillError(
            f"stack {plan.stack!r}: drills run against simulated (local) stacks for now; "
            f"{', '.join(cloud) or 'the stack'} has no local DNS server and process to drill. "
            "Cloud targets need provider-side fault injection (e.g. AWS FIS), which this version does not drive"
        )


def execute(plan: DrillPlan, progress: RichProgress | None = None) -> DrillResult:
    """Run a drill against a deployed local stack with the real observer and injector."""
    require_local(plan)
    resolve = dns_resolver(*plan.dns_server) if plan.dns_server else dns_resolver(None)
    fetch = HttpFetcher(plan.hostname, plan.port)
    try:
        observer = Observer(plan, resolve=resolve, fetch=fetch)
        return run_drill(plan, make_injector(plan), observer, progress=progress)
    finally:
        fetch.close()


def run(args: argparse.Namespace) -> int:
    """Run ``failoverkit drill`` from parsed arguments; returns the exit code."""
    err = Console(stderr=True)
    try:
        outputs, fallback_state = _load_outputs(args)
        plan = DrillPlan.from_outputs(outputs, stack=args.stack, fault=args.fault, target=args.target)
        if plan.state_dir is None and fallback_state is not None:
            plan = dataclasses.replace(plan, state_dir=fallback_state)
        with _sigterm_as_interrupt():
            result = execute(plan, RichProgress(err))
    except KeyboardInterrupt:
        err.print("[bold yellow]drill interrupted[/]: the fault was lifted and the target restored")
        return 130
    except FailoverKitError as exc:
        # soft_wrap: paths and keys in the message stay whole (copy-pastable, greppable).
        err.print(f"[bold red]failoverkit drill[/]: {escape(str(exc))}", highlight=False, soft_wrap=True)
        return 2
    if args.chart is not None:
        err.print(f"chart: {write_chart(result, args.chart)}")
    if args.output is not None:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        if args.format == "json":
            args.output.write_text(render_json(result) + "\n")
        else:
            with args.output.open("w") as fh:
                render_text(result, Console(file=fh, width=120, no_color=True))
        err.print(f"report: {args.output}")
    elif args.format == "json":
        sys.stdout.write(render_json(result) + "\n")
    else:
        render_text(result, Console())
    return 0 if result.passed else 1
