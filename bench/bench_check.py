"""Benchmark of ``failoverkit check``: where each stack's time goes, against a real engine preview, and by stack size.

    .venv/bin/python bench/bench_check.py [--sizes 1000,3000,10000] [--stacks NAME,...] [--no-engine]

1. ``failoverkit check --policy-pack policies`` on every stack in stacks/, a fresh process each (as CI
   runs it; the process runs the command's entry, ``failoverkit.cli.console``): wall time, and how it
   splits into imports (every module imported, with the cloud SDK modules the program uses), the
   program under mocks, and the policy pack (loading and evaluating it), each phase's imports counted
   as imports;
2. ``check`` versus a real ``failoverkit preview --policy-pack`` through the engine on the local
   stack (a temp copy on its own loopback addresses), one run each, as a ratio; without the
   engine this part fails with how to get it (``--no-engine`` leaves it out on purpose);
3. evaluation of the real pack on synthetic stacks (default 1,000, 3,000 and 10,000 resources plus the
   engine's three), each in a fresh process: time per resource as ``check`` evaluates (the stack
   converted once for every stack policy) and, side by side, with the SDK's conversion for each policy
   (what the engine does), their ratio, and the peak RSS of the check process. Exit 1 if the time per
   resource of the largest stack is more than LINEAR_TOLERANCE times the smallest's, or if a stack of
   10,000 resources or more takes longer than GOAL_SECONDS_PER_10K per 10,000.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PACK = REPO / "policies"
LAUNCHER = PACK / "failoverkit-policies"
FAILOVERKIT = Path(sys.executable).parent / "failoverkit"
LINEAR_TOLERANCE = 2.0
"""Largest/smallest time per resource above which growth is called non-linear."""
GOAL_SECONDS_PER_10K = 2.0
"""Issue 19: 10,000 resources evaluated in 2 s or less (200 µs per resource)."""
SDK_PREFIX = "pulumi_"
NOT_CLOUD_SDKS = {"pulumi_policy"}


def timed(args: list[str], cwd: Path = REPO) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    return time.perf_counter() - started, done


def check_cmd(project: Path, stack: str) -> list[str]:
    return [str(FAILOVERKIT), "check", str(project), "--stack", stack, "--policy-pack", str(PACK), "--format", "json"]


def worker(mode: str, *args: str) -> list[str]:
    """This script in a fresh process, in one of its worker modes; it prints one JSON line."""
    return [sys.executable, str(Path(__file__).resolve()), f"--worker-{mode}", *args]


def last_json(out: str) -> dict[str, Any]:
    return dict(json.loads(out.strip().splitlines()[-1]))


# --- 1. check per stack, and where its time goes --------------------------------------------------------------


class ImportClock:
    """Time spent importing, per top-level package, each import's own time only (like ``python -X importtime``).

    Wraps the import system's ``_find_and_load``, which runs once for each module not yet in sys.modules
    (a lazily loaded SDK submodule included, when the program first touches it).
    """

    def __init__(self) -> None:
        self.seconds = 0.0
        self.by_package: dict[str, float] = {}
        self._children: list[float] = []

    def install(self) -> None:
        import _frozen_importlib as bootstrap

        real = bootstrap._find_and_load

        def find_and_load(name: str, import_: Any) -> Any:
            self._children.append(0.0)
            started = time.perf_counter()
            try:
                return real(name, import_)
            finally:
                elapsed = time.perf_counter() - started
                own = elapsed - self._children.pop()
                top = name.split(".", 1)[0]
                self.by_package[top] = self.by_package.get(top, 0.0) + own
                if self._children:
                    self._children[-1] += elapsed
                else:
                    self.seconds += elapsed

        bootstrap._find_and_load = find_and_load


def run_phases(stack: str) -> dict[str, Any]:
    """``failoverkit check`` on ``stack`` in this process, timed by phase (worker of part 1)."""
    started = time.perf_counter()
    clock = ImportClock()
    clock.install()
    from failoverkit import check, cli

    phases = {"program": 0.0, "policies": 0.0}
    imports_in = {"program": 0.0, "policies": 0.0}

    def phase(name: str, fn: Any) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            before, t0 = clock.seconds, time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                imports_in[name] += clock.seconds - before
                phases[name] += time.perf_counter() - t0 - (clock.seconds - before)

        return run

    check.run_project = phase("program", check.run_project)  # type: ignore[assignment]
    check.load_policy_pack = phase("policies", check.load_policy_pack)  # type: ignore[assignment]
    check.evaluate_pack = phase("policies", check.evaluate_pack)  # type: ignore[assignment]
    sys.argv = ["failoverkit", "check", str(REPO), "--stack", stack, "--policy-pack", str(PACK), "--format", "json"]
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            cli.console()  # what the `failoverkit` command runs, up to its exit
        except SystemExit as done:
            code = done.code
    total = time.perf_counter() - started
    sdks = {k: v for k, v in clock.by_package.items() if k.startswith(SDK_PREFIX) and k not in NOT_CLOUD_SDKS}
    return {
        "exit": code,
        "total": total,
        "imports": clock.seconds,
        "sdk_imports": sdks,
        "program": phases["program"],
        "policies": phases["policies"],
        "imports_in_program": imports_in["program"],
    }


def bench_stacks(stacks: list[str]) -> bool:
    print("1. failoverkit check per stack: a fresh process each, as CI runs it (policy pack policies/)")
    print("   imports: every module the check imports (the program's cloud SDK modules among them); program:")
    print("   the program under mocks, its imports left out; policies: loading and evaluating the pack, the same;")
    print("   rest: interpreter start and exit, config, report. Exit 0: pass, 1: mandatory violations.")
    columns = f"{'wall':>7} {'imports':>8} {'program':>8} {'policies':>9} {'rest':>6}"
    print(f"   {'stack':<18} {columns}  exit  cloud SDK imports (s)")
    ok = True
    for stack in stacks:
        seconds, done = timed(worker("phases", stack))
        if done.returncode != 0:
            print(f"   {stack:<18} FAILED: {done.stderr.strip()[-500:]}")
            ok = False
            continue
        p = last_json(done.stdout)
        ok = ok and p["exit"] in (0, 1)
        rest = seconds - p["imports"] - p["program"] - p["policies"]
        sdks = sorted(p["sdk_imports"].items(), key=lambda kv: -kv[1])
        named = ", ".join(f"{k} {v:.2f}" for k, v in sdks if v >= 0.01) or "-"
        print(
            f"   {stack:<18} {seconds:5.2f} s {p['imports']:6.2f} s {p['program']:6.2f} s {p['policies']:7.2f} s"
            f" {rest:4.2f} s  {p['exit']:<4}  {named}"
        )
    return ok


# --- 2. check vs a real engine preview ---------------------------------------------------------------------------


def local_copy(into: Path) -> Path:
    (into / "stacks").mkdir(parents=True)
    shutil.copy(REPO / "Pulumi.yaml", into)
    shutil.copy(REPO / "__main__.py", into)
    text = (REPO / "stacks" / "Pulumi.local.yaml").read_text()
    text = re.sub(r"127\.0\.10\.(\d+)", r"127.0.94.\1", text).replace("127.0.53.1:10053", "127.0.94.53:10094")
    (into / "stacks" / "Pulumi.local.yaml").write_text(text)
    return into


def bench_versus_engine() -> bool:
    print("2. check vs a real engine preview with the pack, local stack, one run each")
    from failoverkit.engine import find_engine
    from failoverkit.errors import EngineError

    try:
        find_engine()
    except EngineError as exc:
        print(f"   FAILED: no engine to compare with: {exc}")
        return False
    with tempfile.TemporaryDirectory(prefix="bench-check-") as tmp:
        project = local_copy(Path(tmp))
        check_s, check_run = timed(check_cmd(project, "local"))
        preview_args = [str(FAILOVERKIT), "preview", "--stack", "local", "--project-dir", str(project)]
        preview_s, preview_run = timed([*preview_args, "--policy-pack", str(LAUNCHER)])
    if check_run.returncode != 0 or preview_run.returncode != 0:
        print(f"   FAILED: check exit {check_run.returncode}, preview exit {preview_run.returncode}")
        print(preview_run.stdout[-2000:] + preview_run.stderr[-2000:])
        return False
    print(f"   check   {check_s:6.2f} s")
    print(f"   preview {preview_s:6.2f} s")
    print(f"   ratio   check/preview = {check_s / preview_s:.2f} (check is {preview_s / check_s:.1f}x faster)")
    return True


# --- 3. evaluation by stack size ---------------------------------------------------------------------------------


def synthetic_stack(size: int) -> list[Any]:
    """``size`` resources like a real multi-cloud program's: critical workloads of 10 resources on 2 clouds."""
    from failoverkit.check.mocks import RecordedResource
    from failoverkit.check.runner import add_engine_resources, stack_urn

    out: list[RecordedResource] = []
    project, stack = "bench", "synthetic"
    kinds = [
        ("aws:ecs/service:Service", "aws"),
        ("gcp:cloudrunv2/service:Service", "gcp"),
        ("aws:s3/bucket:Bucket", "aws"),
        ("aws:iam/role:Role", "aws"),
        ("gcp:compute/backendService:BackendService", "gcp"),
        ("aws:cloudwatch/logGroup:LogGroup", "aws"),
        ("gcp:storage/bucket:Bucket", "gcp"),
        ("aws:ec2/securityGroup:SecurityGroup", "aws"),
        ("aws:lb/targetGroup:TargetGroup", "aws"),
        ("gcp:serviceaccount/account:Account", "gcp"),
    ]
    root = stack_urn(project, stack)
    for i in range(size):
        workload = f"app{i // len(kinds)}"
        rtype, cloud = kinds[i % len(kinds)]
        tags = {"workload": workload, "criticality": "critical", "managed-by": "failoverkit"}
        inputs: dict[str, object] = {"name": f"{workload}-{i}"}
        if cloud == "gcp":
            inputs |= {"labels": tags, "location": "europe-west1", "project": "demo"}
        else:
            inputs |= {"tags": tags}
        name = f"r{i}"
        out.append(
            RecordedResource(
                urn=f"urn:pulumi:{stack}::{project}::{rtype}::{name}",
                type=rtype,
                name=name,
                inputs=inputs,
                custom=True,
                parent=root,
                outputs=dict(inputs),
            )
        )
    config = {"aws:region": "us-east-1", "gcp:region": "europe-west1", "gcp:project": "demo"}
    return add_engine_resources(out, project=project, stack=stack, config=config)


def run_evaluation(size: int, isolated: bool) -> dict[str, Any]:
    """The pack on a synthetic stack of ``size`` resources in this process (worker of part 3)."""
    from failoverkit.check.packs import evaluate_pack, load_policy_pack

    pack = load_policy_pack(PACK)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    resources = synthetic_stack(size)
    started = time.perf_counter()
    result = evaluate_pack(pack, resources, stack_urn=resources[0].urn, isolated=isolated)
    seconds = time.perf_counter() - started
    return {
        "resources": len(resources),
        "seconds": seconds,
        "violations": len(result.violations),
        "rss_before_kb": rss_before,
        "rss_peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


def evaluation(size: int, isolated: bool) -> dict[str, Any]:
    _, done = timed(worker("evaluate", str(size), *(["--isolated"] if isolated else [])))
    if done.returncode != 0:
        raise SystemExit(f"bench_check: the evaluation of {size} resources failed:\n{done.stderr[-3000:]}")
    return last_json(done.stdout)


def bench_sizes(sizes: list[int]) -> bool:
    print("3. policy evaluation of the real pack on synthetic stacks, a fresh process each")
    print("   check: the stack converted once for all stack policies; per policy: the SDK converts it for each")
    print("   (as the engine runs the pack); peak RSS of the check process, before the stack was built in ( )")
    print(f"   {'resources':>9}  {'check':>20}  {'per policy':>20}  {'ratio':>6}  {'peak RSS':>16}  violations")
    per_resource: list[float] = []
    largest: dict[str, Any] = {}
    for size in sizes:
        shared, isolated = evaluation(size, False), evaluation(size, True)
        if shared["violations"] != isolated["violations"]:
            print(f"   FAILED: {shared['violations']} violations shared, {isolated['violations']} per policy")
            return False
        n = shared["resources"]
        per_resource.append(shared["seconds"] / n)
        largest = shared
        rss = f"{shared['rss_peak_kb'] / 1024:5.0f} MB ({shared['rss_before_kb'] / 1024:3.0f} MB)"
        print(
            f"   {n:>9,}  {shared['seconds']:6.2f} s {shared['seconds'] / n * 1e6:6.1f} µs/r"
            f"  {isolated['seconds']:6.2f} s {isolated['seconds'] / n * 1e6:6.1f} µs/r"
            f"  {isolated['seconds'] / shared['seconds']:5.1f}x  {rss}  {shared['violations']}"
        )
    growth = max(per_resource) / min(per_resource)
    linear = growth <= LINEAR_TOLERANCE
    verdict = "linear" if linear else "NOT linear"
    print(f"   check's time per resource varies {growth:.2f}x across sizes (limit {LINEAR_TOLERANCE}x): {verdict}")
    ok = linear
    if largest["resources"] >= 10_000:
        goal = GOAL_SECONDS_PER_10K * largest["resources"] / 10_000
        met = largest["seconds"] <= goal
        ok = ok and met
        print(
            f"   {largest['resources']:,} resources in {largest['seconds']:.2f} s"
            f" (goal <= {goal:.2f} s, {GOAL_SECONDS_PER_10K * 100:.0f} µs/resource): {'met' if met else 'NOT met'}"
        )
    return ok


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1].startswith("--worker-"):
        mode, rest = sys.argv[1].removeprefix("--worker-"), sys.argv[2:]
        out = run_phases(rest[0]) if mode == "phases" else run_evaluation(int(rest[0]), "--isolated" in rest)
        print(json.dumps(out))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", default="1000,3000,10000", help="synthetic stack sizes, comma-separated")
    parser.add_argument("--stacks", default="", help="stacks of part 1, comma-separated (default: every stack)")
    parser.add_argument("--no-engine", action="store_true", help="leave out the comparison with the engine")
    args = parser.parse_args()
    from failoverkit.check.project import available_stacks

    ok = bench_stacks([s for s in args.stacks.split(",") if s] or available_stacks(REPO / "stacks"))
    if args.no_engine:
        print("2. check vs engine preview: left out (--no-engine)")
    else:
        ok = bench_versus_engine() and ok
    ok = bench_sizes([int(s) for s in args.sizes.split(",")]) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
