"""``failoverkit drill``: the command-line face of a drill (cli.py calls ``add_arguments`` and ``run``).

Local stacks: crash, hang, slow and flapping act on the target's process or endpoint; unhealthy and down
go through ``failoverkit:drillFaults`` and an engine ``up`` (with ``--outputs-file``, no engine: directly).
Cloud stacks: unhealthy and down through the same setting, ``--yes`` required. DNS is watched on two
paths, the DNS provider's authoritative servers and a caching resolver (dnsmasq on loopback for local
stacks, started and stopped by the drill; the machine's resolvers or ``--resolver`` for cloud ones).

Exit codes: 0 failover and failback observed within budget on every path; 1 not; 2 bad usage or a drill
that could not start (``DrillError``, no engine, bad outputs) or a fault that could not be lifted (the
message gives the commands that lift it by hand); 130 interrupted (after the fault was lifted).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import signal
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from rich.console import Console
from rich.markup import escape

from failoverkit.drill._config_fault import ConfigFault, DrillStack, plain_outputs
from failoverkit.drill._faults import FaultInjector, make_injector
from failoverkit.drill._observer import HttpFetcher, Observer, Resolve, dns_resolver
from failoverkit.drill._plan import DrillPlan, Fault
from failoverkit.drill._report import RichProgress, render_json, render_text, write_chart
from failoverkit.drill._resolver import AuthoritativeResolver, CachingResolver
from failoverkit.drill._runner import DrillResult, Progress, run_drill, wait_bound
from failoverkit.errors import DrillError, FailoverKitError

CLOUD_HTTP_TIMEOUT_SECONDS = 3.0
"""An HTTPS probe to a cloud target: TLS over the internet, yet well under any provider's check interval."""


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
        "slow: health checks answer after their timeout; down: the target serves nothing; flapping: health "
        "alternates around the thresholds. Cloud stacks take unhealthy | down (default: crash)",
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
    parser.add_argument(
        "--resolver",
        default=None,
        metavar="ADDRESS[:PORT]",
        help="caching resolver of the resolver path (default: dnsmasq on loopback for local stacks, started "
        "and stopped by the drill; the machine's resolvers for cloud stacks)",
    )
    parser.add_argument(
        "--yes",
        "-y",
        action="store_true",
        help="go ahead on a cloud stack: the drill changes its resources through an engine up and moves its users",
    )


def _load(args: argparse.Namespace) -> tuple[dict[str, Any], Path | None, DrillStack | None]:
    """The stack outputs, the local state folder to fall back on and, through the engine, the stack itself."""
    if args.outputs_file is not None:
        try:
            data = json.loads(Path(args.outputs_file).read_text())
        except (OSError, ValueError) as exc:
            raise FailoverKitError(f"--outputs-file: cannot read {args.outputs_file}: {exc}") from None
        if not isinstance(data, dict):
            raise FailoverKitError(f"--outputs-file: expected a JSON object of stack outputs in {args.outputs_file}")
        return data, None, None
    from failoverkit import engine  # the engine (and the Automation API) only when outputs come from it

    project_dir = (args.project_dir or engine.find_project_dir()).resolve()
    fallback_state = engine.EngineSettings(project_dir, args.stack).state_dir
    stack: DrillStack = engine.open_stack(args.stack, project_dir, create=False)
    outputs = plain_outputs(stack)
    if not outputs:
        raise DrillError(f"stack {args.stack!r} is not deployed (it has no outputs); run failoverkit up --stack first")
    return outputs, fallback_state, stack


def _server(text: str, default_port: int = 53) -> tuple[str, int]:
    host, _, port = text.rpartition(":") if ":" in text else (text, "", str(default_port))
    if not host or not port.isdigit():
        raise DrillError(f"--resolver: expected ADDRESS or ADDRESS:PORT, got {text!r}")
    return host, int(port)


def health_status(plan: DrillPlan, fetch: HttpFetcher) -> Callable[[], int | None]:
    """A probe of the target's health URL from outside: its status, None when nothing answered."""
    path = urlsplit(plan.target.health_url).path or "/"

    def status() -> int | None:
        try:
            return fetch(plan.target.address, path).status
        except Exception:  # refused, reset, timed out: no answer
            return None

    return status


def cloud_addresses(plan: DrillPlan) -> dict[str, str]:
    """Each cloud target's current addresses (its origin hostname resolved): how DNS answers are told apart."""
    found: dict[str, str] = {}
    for e in plan.endpoints:
        try:
            infos = socket.getaddrinfo(e.address, None, socket.AF_INET, socket.SOCK_STREAM)
        except OSError:
            continue
        for info in infos:
            found[str(info[4][0])] = e.key
    return found


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


def execute(
    plan: DrillPlan,
    progress: Progress | None = None,
    *,
    injector: FaultInjector | None = None,
    resolver: str | None = None,
) -> DrillResult:
    """Run a drill against a deployed stack: the injector (default: acting on a local target directly), the
    authoritative path and the resolver path."""
    if plan.simulated and plan.dns_server is None:
        raise DrillError(f"stack {plan.stack!r}: its outputs name no local DNS server (dns.server); redeploy it")
    if injector is None:
        if not plan.simulated:
            raise DrillError(
                f"stack {plan.stack!r} runs on real clouds: its faults go through failoverkit:drillFaults and an "
                "engine up, so the drill needs the engine (drop --outputs-file)"
            )
        injector = make_injector(plan)
    with contextlib.ExitStack() as cleanup:
        authoritative: Resolve
        if plan.simulated:
            assert plan.dns_server is not None
            authoritative = dns_resolver(*plan.dns_server)
            fetch = HttpFetcher(plan.hostname, plan.port)
        else:
            servers = [_server(n) for n in plan.name_servers]
            authoritative = AuthoritativeResolver(servers)
            fetch = HttpFetcher(plan.hostname, 443, timeout_seconds=CLOUD_HTTP_TIMEOUT_SECONDS, scheme="https")
        cleanup.callback(fetch.close)
        if resolver is not None:
            via, name = dns_resolver(*_server(resolver)), f"resolver {resolver}"
        elif plan.simulated:
            assert plan.dns_server is not None
            state = plan.state_dir or Path.cwd() / ".failoverkit" / "state" / plan.stack
            cache = CachingResolver(state, plan.hostname, upstream=plan.dns_server)
            via = dns_resolver(*cleanup.enter_context(cache))
            name = cache.name
        else:
            via, name = dns_resolver(None, timeout_seconds=2.0), "the machine's resolvers"
        main = Observer(plan, resolve=authoritative, fetch=fetch)
        other = Observer(plan, resolve=via, fetch=fetch)
        return run_drill(plan, injector, main, progress=progress, resolver=other, resolver_name=name)
    raise AssertionError("unreachable")  # pragma: no cover (ExitStack does not swallow exceptions)


def make_config_injector(
    plan: DrillPlan, stack: DrillStack, *, confirmed: bool, progress: Progress | None = None
) -> ConfigFault:
    """A fault through ``failoverkit:drillFaults`` and an engine ``up``, timed by the target's health URL."""
    if plan.simulated:
        probe = HttpFetcher(plan.hostname, plan.port, timeout_seconds=0.5)
    else:
        probe = HttpFetcher(plan.hostname, 443, timeout_seconds=CLOUD_HTTP_TIMEOUT_SECONDS, scheme="https")
    return ConfigFault(
        plan,
        stack,
        confirmed=confirmed,
        health_status=health_status(plan, probe),
        # Bounded like every wait; long enough for a lifted AWS `down`, whose tasks take a minute to rejoin.
        effect_timeout_seconds=wait_bound(max(plan.budget.seconds, plan.failback.total_seconds)),
        log=progress.event if progress is not None else (lambda message: None),
    )


def run(args: argparse.Namespace) -> int:
    """Run ``failoverkit drill`` from parsed arguments; returns the exit code."""
    err = Console(stderr=True)
    try:
        outputs, fallback_state, stack = _load(args)
        plan = DrillPlan.from_outputs(outputs, stack=args.stack, fault=args.fault, target=args.target)
        if plan.state_dir is None and fallback_state is not None:
            plan = dataclasses.replace(plan, state_dir=fallback_state)
        if not plan.simulated:
            plan = dataclasses.replace(plan, addresses=cloud_addresses(plan))
        progress = RichProgress(err)
        injector: FaultInjector | None = None
        if stack is not None and (plan.fault.configurable or not plan.simulated):
            injector = make_config_injector(plan, stack, confirmed=args.yes, progress=progress)
        with _sigterm_as_interrupt():
            result = execute(plan, progress, injector=injector, resolver=args.resolver)
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
