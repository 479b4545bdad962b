"""Benchmark of ``failoverkit check``: per stack, against a real engine preview, and by stack size.

    .venv/bin/python bench/bench_check.py [--sizes 100,1000,10000] [--stacks local,aws-gcp] [--no-engine]

1. wall time of ``failoverkit check --policy-pack policies`` on every stack in stacks/ (a fresh
   process each, as CI runs it);
2. ``check`` versus a real ``failoverkit preview --policy-pack`` through the engine on the local
   stack (a temp copy on its own loopback addresses), one run each, as a ratio; without the
   engine this part fails with how to get it (``--no-engine`` leaves it out on purpose);
3. policy evaluation of the real pack on synthetic stacks of 100, 1,000 and 10,000 resources,
   with the time per resource, which must stay flat (linear growth): exit 1 if the largest
   stack's time per resource is more than LINEAR_TOLERANCE times the smallest's.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from failoverkit.check.mocks import RecordedResource
from failoverkit.check.packs import evaluate_pack, load_policy_pack
from failoverkit.check.project import available_stacks
from failoverkit.check.runner import add_engine_resources, stack_urn

REPO = Path(__file__).resolve().parents[1]
PACK = REPO / "policies"
LAUNCHER = PACK / "failoverkit-policies"
FAILOVERKIT = Path(sys.executable).parent / "failoverkit"
LINEAR_TOLERANCE = 2.0
"""Largest/smallest time per resource above which growth is called non-linear."""


def timed(args: list[str], cwd: Path = REPO) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    return time.perf_counter() - started, done


def check_cmd(project: Path, stack: str) -> list[str]:
    return [str(FAILOVERKIT), "check", str(project), "--stack", stack, "--policy-pack", str(PACK), "--format", "json"]


def bench_stacks(only: list[str] | None) -> None:
    print("1. failoverkit check per stack (fresh process, policy pack policies/)")
    for stack in only or available_stacks(REPO / "stacks"):
        seconds, done = timed(check_cmd(REPO, stack))
        verdict = {0: "pass", 1: "mandatory violations"}.get(done.returncode, f"error: {done.stderr.strip()[:200]}")
        print(f"   {stack:<12} {seconds:6.2f} s   exit {done.returncode} ({verdict})")


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


def synthetic_stack(size: int) -> list[RecordedResource]:
    """``size`` resources like a real multi-cloud program's: critical workloads of 10 resources on 2 clouds."""
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


def bench_sizes(sizes: list[int]) -> bool:
    print("3. policy evaluation of the real pack on synthetic stacks")
    pack = load_policy_pack(PACK)
    per_resource: list[float] = []
    for size in sizes:
        resources = synthetic_stack(size)
        started = time.perf_counter()
        result = evaluate_pack(pack, resources, stack_urn=resources[0].urn)
        seconds = time.perf_counter() - started
        per_resource.append(seconds / len(resources))
        print(
            f"   {len(resources):>6} resources  {seconds:7.2f} s  {per_resource[-1] * 1e6:8.1f} µs/resource"
            f"  ({len(result.violations)} violations)"
        )
    growth = max(per_resource) / min(per_resource)
    linear = growth <= LINEAR_TOLERANCE
    verdict = "linear" if linear else "NOT linear"
    print(f"   time per resource varies {growth:.2f}x across sizes (limit {LINEAR_TOLERANCE}x): {verdict}")
    return linear


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", default="100,1000,10000", help="synthetic stack sizes, comma-separated")
    parser.add_argument("--no-engine", action="store_true", help="leave out the comparison with the engine")
    parser.add_argument("--stacks", default=None, help="stacks to check in part 1, comma-separated (default: all)")
    args = parser.parse_args()
    bench_stacks(args.stacks.split(",") if args.stacks else None)
    ok = True
    if args.no_engine:
        print("2. check vs engine preview: left out (--no-engine)")
    else:
        ok = bench_versus_engine() and ok
    ok = bench_sizes([int(s) for s in args.sizes.split(",")]) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
