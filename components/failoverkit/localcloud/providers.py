"""Pulumi dynamic resources for the local clouds: ``LocalTarget`` (an app process) and ``LocalFailoverDns``.

Both start detached processes through ``failoverkit.localcloud.process`` so they
outlive the engine operation. ``refresh`` (read) looks the process up through its
pid file, so a process a drill restarted is picked up, and reports a dead process
as gone (empty id) so the next ``up`` starts it again. ``delete`` stops exactly
the recorded process (identity-checked), never by name or port.

The provider objects are pickled into the state and run by a separate Python
process the engine starts: they hold no attributes and live at module level.

Resource inputs carry what the policy pack reads: ``kind``, ``cloud``/``region``
(targets), ``tags`` {workload, criticality, managed-by}; the DNS resource also
``hostname``, ``zone``, ``ttlSeconds``, ``healthCheck`` and ordered ``endpoints``.

A target's optional ``fault`` input is its ``drillFaults`` entry (docs/components.md, "Drill faults"):
``unhealthy`` and ``slow`` (with ``faultDelaySeconds``) set the app's fault switch (``POST /-/fault``, and
``FAILOVERKIT_FAULT`` in its launch so a restart keeps it); ``down`` stops the process (SIGTERM) and ``crash``
kills it (SIGKILL) while the resource stays in the state (refresh keeps it); ``hang`` freezes it (SIGSTOP:
it still accepts TCP). Removing the input lifts any of them: the switch back to ``none``, the process started
again or continued. Changing it updates in place: nothing else is replaced.
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NotRequired, TypedDict

import pulumi
import pulumi.dynamic as dyn

from failoverkit.localcloud import process
from failoverkit.localcloud.dnsserver import ServerConfig

TARGET_KIND = "failoverkit:local:Target"
DNS_KIND = "failoverkit:local:FailoverDns"
DNS_PROCESS_NAME = "dns"
"""The DNS server's folder under the state dir: ``<state>/dns/{config,status}.json``, pid, log."""

TARGET_INPUTS = (
    "kind", "name", "cloud", "region", "argv", "address", "port", "healthPath", "stateDir", "tags", "fault",
    "faultDelaySeconds",
)  # fmt: skip
TARGET_REPLACE_ON = ("name", "cloud", "region", "argv", "address", "port", "healthPath", "stateDir")
DNS_INPUTS = (
    "kind", "hostname", "zone", "ttlSeconds", "healthCheck", "endpoints", "records",
    "listenAddress", "listenPort", "stateDir", "tags",
)  # fmt: skip
DNS_REPLACE_ON = ("listenAddress", "listenPort", "stateDir")


def _inputs(props: Mapping[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    return {k: props.get(k) for k in keys}


def _int(value: Any) -> int:
    return int(float(value))  # numbers cross the engine as floats


def _diff(
    olds: Mapping[str, Any], news: Mapping[str, Any], keys: Sequence[str], replace_on: Sequence[str]
) -> dyn.DiffResult:
    changed = [k for k in keys if olds.get(k) != news.get(k)]
    replaces = [k for k in changed if k in replace_on]
    # Delete first: the new process needs the same address:port and the same pid file.
    return dyn.DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=True)


def _stop_recorded(props: Mapping[str, Any], pid_path: Path, *, kill: bool = False) -> None:
    """Stop (or with ``kill``, SIGKILL) the process in the pid file (maybe drill-restarted) and the one the state
    recorded."""
    records = [process.read_record(pid_path)]
    if props.get("pid") and props.get("startTicks") and props.get("argv"):
        argv = tuple(str(a) for a in props["argv"])
        records.append(process.ProcessRecord(_int(props["pid"]), _int(props["startTicks"]), argv))
    for record in records:
        if record is not None:
            (process.kill if kill else process.stop)(record, pid_path=pid_path)


def _converge(launch: process.Launch) -> None:
    # An interrupted `up` may have started this process without recording it in the state:
    # it is ours (its pid file says so, identity-checked), so stop it before starting afresh.
    record = process.read_record(launch.pid_path)
    if record is not None:
        process.stop(record, pid_path=launch.pid_path)


# --- targets ---

FAULT_UNHEALTHY, FAULT_DOWN = "unhealthy", "down"
FAULT_CRASH, FAULT_HANG, FAULT_SLOW = "crash", "hang", "slow"
TARGET_FAULTS = (FAULT_UNHEALTHY, FAULT_DOWN, FAULT_CRASH, FAULT_HANG, FAULT_SLOW)
STOPPED_FAULTS = (FAULT_DOWN, FAULT_CRASH)
"""Faults under which the target has no process on purpose (refresh keeps the resource)."""
SWITCH_FAULTS = (FAULT_UNHEALTHY, FAULT_SLOW)
"""Faults the app's fault switch carries (the rest act on the process)."""
FAULT_PATH = "/-/fault"
FAULT_SWITCH_TIMEOUT_SECONDS = 2.0
MAX_FAULT_DELAY_SECONDS = 600.0
"""The demo app's limit on the slow fault's delay."""


def target_fault(props: Mapping[str, Any]) -> str | None:
    """The target's ``fault`` input: one of TARGET_FAULTS or None (no fault)."""
    fault = props.get("fault")
    if fault is not None and fault not in TARGET_FAULTS:
        raise ValueError(f"fault: must be one of {' | '.join(TARGET_FAULTS)} or absent, got {fault!r}")
    return str(fault) if fault else None


def fault_switch(props: Mapping[str, Any]) -> tuple[str, float]:
    """The app's fault switch under the target's fault: (mode, delaySeconds); ``("none", 0.0)`` for the rest."""
    fault = target_fault(props)
    delay = props.get("faultDelaySeconds")
    if fault != FAULT_SLOW:
        if delay is not None:
            raise ValueError(f"faultDelaySeconds: applies only to fault: slow, got {delay!r} with fault: {fault}")
        return (fault, 0.0) if fault in SWITCH_FAULTS else ("none", 0.0)
    if isinstance(delay, bool) or not isinstance(delay, (int, float)) or not 0 < delay <= MAX_FAULT_DELAY_SECONDS:
        raise ValueError(
            f"faultDelaySeconds: fault slow needs a number of seconds above 0, at most "
            f"{MAX_FAULT_DELAY_SECONDS:g}, got {delay!r}"
        )
    return FAULT_SLOW, float(delay)


def target_env(props: Mapping[str, Any]) -> dict[str, str]:
    """What every local target command sees (the demo app reads it; so can a user's app)."""
    mode, delay = fault_switch(props)
    return {
        "FAILOVERKIT_CLOUD": str(props["cloud"]),
        "FAILOVERKIT_REGION": str(props["region"]),
        "FAILOVERKIT_ADDRESS": str(props["address"]),
        "FAILOVERKIT_PORT": str(_int(props["port"])),
        "FAILOVERKIT_HEALTH_PATH": str(props["healthPath"]),
        # The fault the app starts in: a restart (a drill's crash, a refresh and up) keeps unhealthy or slow.
        "FAILOVERKIT_FAULT": mode,
        **({"FAILOVERKIT_FAULT_DELAY_SECONDS": f"{delay:g}"} if mode == FAULT_SLOW else {}),
    }


def set_fault_switch(launch: process.Launch, mode: str, delay_seconds: float = 0.0) -> None:
    """Set the running app's fault switch (``POST /-/fault``); ProcessError when the app has none."""
    url = f"http://{launch.address}:{launch.port}{FAULT_PATH}"
    body = {"mode": mode, **({"delaySeconds": delay_seconds} if mode == FAULT_SLOW else {})}
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never through a proxy
    try:
        with opener.open(request, timeout=FAULT_SWITCH_TIMEOUT_SECONDS) as response:
            answer = json.loads(response.read() or b"{}")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise process.ProcessError(
            f"{launch.name}: fault {mode!r} needs the app's fault switch (POST {url}, as the bundled demo app "
            f"has); it answered: {exc}",
            process.log_tail(launch.log_path),
        ) from exc
    if not isinstance(answer, dict) or answer.get("mode") != mode:
        raise process.ProcessError(f"{launch.name}: POST {url} {{mode: {mode}}} answered {answer!r}")


def target_launch(props: Mapping[str, Any]) -> process.Launch:
    """The Launch of a LocalTarget from its inputs."""
    return process.new_launch(
        Path(props["stateDir"]),
        str(props["name"]),
        [str(a) for a in props["argv"]],
        target_env(props),
        str(props["address"]),
        _int(props["port"]),
    )


def _process_outs(launch: process.Launch, record: process.ProcessRecord) -> dict[str, Any]:
    return {
        "pid": record.pid,
        "startTicks": record.start_ticks,
        "logPath": str(launch.log_path),
        "pidPath": str(launch.pid_path),
        "launchPath": str(launch.launch_path),
    }


def _stopped_outs(launch: process.Launch) -> dict[str, Any]:
    # A target that is down or crashed keeps its paths (a drill and a later lift find it) and has no process.
    return {
        "pid": None,
        "startTicks": None,
        "logPath": str(launch.log_path),
        "pidPath": str(launch.pid_path),
        "launchPath": str(launch.launch_path),
    }


def _start_target(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Start the target's process in its fault (save its launch and start nothing, when down or crashed; freeze
    it once listening, when hung); its outputs."""
    launch = target_launch(inputs)
    fault = target_fault(inputs)
    url = f"http://{launch.address}:{launch.port}"
    outs = {**inputs, "url": url, "healthUrl": url + str(inputs["healthPath"])}
    if fault in STOPPED_FAULTS:
        process.save_launch(launch)
        return {**outs, **_stopped_outs(launch)}
    record = process.start(launch)
    try:
        if fault in SWITCH_FAULTS:
            set_fault_switch(launch, *fault_switch(inputs))  # the demo app starts so; a user's app must have it
        if fault == FAULT_HANG:
            process.freeze(record)
    except process.ProcessError:
        process.stop(record, pid_path=launch.pid_path)
        raise
    return {**outs, **_process_outs(launch, record)}


class LocalTargetProvider(dyn.ResourceProvider):
    """CRUD of one app process bound to its own loopback address."""

    serialize_as_secret_always = False  # nothing secret inside; keeps the state readable

    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        inputs = _inputs(props, TARGET_INPUTS)
        launch = target_launch(inputs)
        _converge(launch)
        return dyn.CreateResult(id_=launch.name, outs=_start_target(inputs))

    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        outs = {k: v for k, v in props.items() if not k.startswith("__")}
        if target_fault(props) in STOPPED_FAULTS:
            return dyn.ReadResult(id_=id_, outs=outs)  # stopped or killed on purpose: still deployed
        record = process.read_record(Path(props["pidPath"])) if props.get("pidPath") else None
        if record is None or not process.is_running(record):
            return dyn.ReadResult(id_="", outs={})  # empty id: the engine records it as deleted
        return dyn.ReadResult(id_=id_, outs={**outs, "pid": record.pid, "startTicks": record.start_ticks})

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        return _diff(olds, news, TARGET_INPUTS, TARGET_REPLACE_ON)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.UpdateResult:
        # Only kind, tags, fault and faultDelaySeconds reach here (everything else replaces).
        kept = {k: v for k, v in olds.items() if not k.startswith("__")}
        inputs = _inputs(news, TARGET_INPUTS)
        before, after = target_fault(olds), target_fault(inputs)
        switch_before, switch_after = fault_switch(olds), fault_switch(inputs)
        if before == after and switch_before == switch_after:
            return dyn.UpdateResult(outs={**kept, **inputs})  # the process keeps running
        launch = target_launch(inputs)
        record = process.read_record(launch.pid_path)
        if record is not None and not process.is_running(record):
            record = None
        if before == FAULT_HANG and record is not None:
            process.thaw(record)  # first: it must answer its switch, or handle SIGTERM
        if after in STOPPED_FAULTS:
            _stop_recorded(olds, launch.pid_path, kill=after == FAULT_CRASH)
            process.save_launch(launch)
            return dyn.UpdateResult(outs={**kept, **inputs, **_stopped_outs(launch)})
        if before in STOPPED_FAULTS or record is None:
            _converge(launch)
            return dyn.UpdateResult(outs=_start_target(inputs))
        # On the running process: the switch (none, unhealthy, slow) only when it changes, so hang needs none;
        # the saved launch carries it into any restart.
        if switch_before != switch_after:
            set_fault_switch(launch, *switch_after)
        process.save_launch(launch)
        if after == FAULT_HANG:
            process.freeze(record)
        return dyn.UpdateResult(outs={**kept, **inputs, **_process_outs(launch, record)})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        launch = target_launch(props)
        _stop_recorded(props, launch.pid_path)
        launch.launch_path.unlink(missing_ok=True)


class LocalTargetArgs(TypedDict):
    """Inputs of a LocalTarget (camelCase: they are the resource's properties)."""

    kind: str
    name: str
    """Process name: its folder under stateDir (logs, pid file, launch)."""
    cloud: str
    region: str
    argv: Sequence[str]
    address: str
    port: int
    healthPath: str
    stateDir: str
    tags: Mapping[str, str]
    fault: NotRequired[str]
    """``unhealthy``, ``down``, ``crash``, ``hang`` or ``slow`` while a ``drillFaults`` entry is in effect;
    absent otherwise."""
    faultDelaySeconds: NotRequired[float]
    """With ``fault: slow`` only: how late the health path answers (past the health checks' timeout)."""


class LocalTarget(dyn.Resource, module="local", name="Target"):
    """An app process on a loopback address, started detached; see LocalTargetProvider."""

    pid: pulumi.Output[int]
    url: pulumi.Output[str]

    def __init__(self, name: str, args: LocalTargetArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        props: dict[str, Any] = {**args, "pid": None, "url": None}
        super().__init__(LocalTargetProvider(), name, props, opts)


# --- failover DNS ---


def dns_config(props: Mapping[str, Any]) -> ServerConfig:
    """The DNS server's config from the resource's inputs (validated; ConfigError names bad keys)."""
    state = Path(props["stateDir"])
    return ServerConfig.from_json(
        {
            "hostname": props["hostname"],
            "zone": props["zone"],
            "ttlSeconds": props["ttlSeconds"],
            "listenAddress": props["listenAddress"],
            "listenPort": props["listenPort"],
            "healthCheck": props["healthCheck"],
            "endpoints": props["endpoints"],
            "records": props.get("records") or [],
            "statusPath": str(process.process_dir(state, DNS_PROCESS_NAME) / "status.json"),
        }
    )


def dns_launch(props: Mapping[str, Any]) -> tuple[process.Launch, ServerConfig]:
    """The DNS server's Launch (and config) from the resource's inputs."""
    config = dns_config(props)
    folder = process.process_dir(Path(props["stateDir"]), DNS_PROCESS_NAME)
    argv = [sys.executable, "-m", "failoverkit.localcloud.dnsserver", "--config", str(folder / "config.json")]
    launch = process.new_launch(
        Path(props["stateDir"]), DNS_PROCESS_NAME, argv, {}, config.listen_address, config.listen_port
    )
    return launch, config


def _start_dns(inputs: Mapping[str, Any]) -> dict[str, Any]:
    launch, config = dns_launch(inputs)
    folder = launch.pid_path.parent
    process.write_json_atomic(folder / "config.json", config.to_json())
    record = process.start(launch)
    return {
        **_inputs(inputs, DNS_INPUTS),
        **_process_outs(launch, record),
        "argv": list(launch.argv),
        "server": f"{config.listen_address}:{config.listen_port}",
        "configPath": str(folder / "config.json"),
        "statusPath": str(config.status_path),
    }


class LocalFailoverDnsProvider(dyn.ResourceProvider):
    """CRUD of the local failover DNS server process."""

    serialize_as_secret_always = False

    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        launch, _ = dns_launch(props)
        _converge(launch)
        return dyn.CreateResult(id_=f"{props['hostname']}@{launch.address}:{launch.port}", outs=_start_dns(props))

    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        record = process.read_record(Path(props["pidPath"])) if props.get("pidPath") else None
        if record is None or not process.is_running(record):
            return dyn.ReadResult(id_="", outs={})
        outs = {k: v for k, v in props.items() if not k.startswith("__")}
        return dyn.ReadResult(id_=id_, outs={**outs, "pid": record.pid, "startTicks": record.start_ticks})

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        return _diff(olds, news, DNS_INPUTS, DNS_REPLACE_ON)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.UpdateResult:
        # New endpoints, TTL or health-check settings: restart the server on the same address.
        launch, _ = dns_launch(news)
        _stop_recorded(olds, launch.pid_path)
        return dyn.UpdateResult(outs=_start_dns(news))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        launch, config = dns_launch(props)
        _stop_recorded(props, launch.pid_path)
        for path in (launch.launch_path, launch.pid_path.parent / "config.json", config.status_path):
            if path is not None:
                path.unlink(missing_ok=True)


class LocalFailoverDnsArgs(TypedDict):
    """Inputs of a LocalFailoverDns (camelCase: they are the resource's properties)."""

    kind: str
    hostname: str
    zone: str
    ttlSeconds: int
    healthCheck: Mapping[str, Any]
    """{intervalSeconds, failureThreshold, timeoutSeconds, recoveryThreshold}."""
    endpoints: Sequence[Mapping[str, Any]]
    """Primary first: {priority, cloud, region, address, port, healthPath}."""
    records: Sequence[Mapping[str, Any]]
    """Static records: {name, type, value, ttlSeconds}."""
    listenAddress: str
    listenPort: int
    stateDir: str
    tags: Mapping[str, str]


class LocalFailoverDns(dyn.Resource, module="local", name="FailoverDns"):
    """The local failover DNS server, started detached; see LocalFailoverDnsProvider."""

    server: pulumi.Output[str]
    pid: pulumi.Output[int]

    def __init__(self, name: str, args: LocalFailoverDnsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        props: dict[str, Any] = {**args, "server": None, "pid": None}
        super().__init__(LocalFailoverDnsProvider(), name, props, opts)


def status(state: Path) -> dict[str, Any] | None:
    """The DNS server's last written status.json under ``state`` (None if there is none)."""
    try:
        data: dict[str, Any] = json.loads((process.process_dir(state, DNS_PROCESS_NAME) / "status.json").read_text())
    except FileNotFoundError:
        return None
    return data
