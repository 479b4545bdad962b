"""A simulated target: the app as a real process on its own loopback address (the ``local`` stack).

The child resource is a ``LocalTarget`` dynamic resource named
``f"{app}-{target.key}"`` (e.g. ``shop-aws-us-east-1``; a public contract). It
carries the target's cloud, region and the workload tags, so the policy pack
judges the local stack like a cloud one, and the target's ``drillFaults`` entry
as its ``fault`` input (``unhealthy``, ``slow``: the app's fault switch; ``down``:
the process stopped; ``crash``: killed; ``hang``: frozen; see
localcloud/providers.py).
"""

from __future__ import annotations

import sys

import pulumi

from failoverkit.clouds import Endpoint, Zone
from failoverkit.localcloud import process
from failoverkit.localcloud.providers import MAX_FAULT_DELAY_SECONDS, TARGET_KIND, LocalTarget, LocalTargetArgs
from failoverkit.spec import DrillFaultKind, FailoverSpec, Target, default_target_address
from failoverkit.tags import workload_tags

DEMO_APP = ("-m", "failoverkit.demoapp")


def target_command(spec: FailoverSpec) -> list[str]:
    """The app's command; default: the bundled demo app.

    A bare ``python``/``python3`` means this environment's interpreter (the one the
    engine's provider runs too), so ``command: [python, -m, failoverkit.demoapp]`` works
    without that venv on PATH.
    """
    command = list(spec.app.command or ("python", *DEMO_APP))
    if command[0] in ("python", "python3"):
        command[0] = sys.executable
    return command


def slow_fault_delay_seconds(spec: FailoverSpec) -> float:
    """How late the ``slow`` fault answers health checks: well past the DNS checks' timeout, yet short to lift."""
    timeout = spec.dns.health_check.timeout_seconds
    return min(round(timeout + max(1.0, timeout), 3), MAX_FAULT_DELAY_SECONDS)


def target_name(spec: FailoverSpec, target: Target) -> str:
    """The child resource's (and the process') name, e.g. ``shop-aws-us-east-1``."""
    return f"{spec.app.name}-{target.key}"


def deploy(spec: FailoverSpec, target: Target, zone: Zone, parent: pulumi.Resource) -> Endpoint:
    """Start the app for ``target`` on its loopback address; the endpoint DNS health-checks."""
    address = target.address or default_target_address(target.priority)
    name = target_name(spec, target)
    fault = spec.fault_of(target)
    args: LocalTargetArgs = {
        "kind": TARGET_KIND,
        "name": name,
        "cloud": target.cloud.value,
        "region": target.region,
        "argv": target_command(spec),
        "address": address,
        "port": spec.app.port,
        "healthPath": spec.app.health_path,
        "stateDir": str(process.state_dir()),
        "tags": workload_tags(spec.app),
    }
    if fault is not None:
        args["fault"] = fault.value  # drillFaults: only this input changes (docs/components.md, "Drill faults")
    if fault is DrillFaultKind.SLOW:
        args["faultDelaySeconds"] = slow_fault_delay_seconds(spec)  # and, for slow, how slow
    resource = LocalTarget(name, args, pulumi.ResourceOptions(parent=parent))
    return Endpoint(
        target=target,
        origin_hostname=pulumi.Output.from_input(address),
        protocol="HTTP",
        port=spec.app.port,
        health_path=spec.app.health_path,
        static_ip=pulumi.Output.from_input(address),
        resources=[resource],
    )
