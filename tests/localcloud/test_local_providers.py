"""The local dynamic providers, called directly (no engine): create, read (refresh), diff, update, delete."""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dns.message
import dns.query
import httpx
import pytest
from failoverkit.localcloud import process
from failoverkit.localcloud.providers import (
    DNS_KIND,
    TARGET_KIND,
    LocalFailoverDnsProvider,
    LocalTargetProvider,
)
from localcloud_helpers import free_address, wait_for

TAGS = {"workload": "shop", "criticality": "critical", "managed-by": "failoverkit"}


def target_props(state: Path, name: str, cloud: str, region: str) -> dict[str, Any]:
    address, port = free_address()
    # As the engine hands them over: numbers as floats.
    return {
        "kind": TARGET_KIND,
        "name": name,
        "cloud": cloud,
        "region": region,
        "argv": [sys.executable, "-m", "failoverkit.demoapp"],
        "address": address,
        "port": float(port),
        "healthPath": "/health",
        "stateDir": str(state),
        "tags": TAGS,
        "pid": None,
        "url": None,
    }


class Deployed:
    """Created resources' outputs; everything is deleted at teardown, whatever happened."""

    def __init__(self) -> None:
        self.targets: list[dict[str, Any]] = []
        self.dns: dict[str, Any] | None = None

    def create_target(self, props: dict[str, Any]) -> dict[str, Any]:
        result = LocalTargetProvider().create(props)
        assert result.id == props["name"]
        assert result.outs is not None
        self.targets.append(result.outs)
        return result.outs

    def teardown(self) -> None:
        if self.dns is not None:
            LocalFailoverDnsProvider().delete("dns", self.dns)
        for outs in self.targets:
            LocalTargetProvider().delete(outs["name"], outs)


@pytest.fixture
def deployed() -> Iterator[Deployed]:
    d = Deployed()
    try:
        yield d
    finally:
        d.teardown()


def test_target_create_read_delete(state: Path, deployed: Deployed) -> None:
    outs = deployed.create_target(target_props(state, "shop-aws-us-east-1", "aws", "us-east-1"))
    record = process.read_record(Path(outs["pidPath"]))
    assert record is not None and record.pid == outs["pid"]
    assert outs["kind"] == TARGET_KIND and outs["tags"] == TAGS
    body = httpx.get(outs["url"] + "/").json()
    assert (body["cloud"], body["region"]) == ("aws", "us-east-1")
    assert httpx.get(outs["healthUrl"]).status_code == 200

    read = LocalTargetProvider().read("shop-aws-us-east-1", outs)
    assert read.id == "shop-aws-us-east-1" and read.outs is not None and read.outs["pid"] == record.pid

    LocalTargetProvider().delete("shop-aws-us-east-1", outs)
    assert not process.is_running(record)
    assert not Path(outs["pidPath"]).exists()
    assert not Path(outs["launchPath"]).exists()
    assert Path(outs["logPath"]).exists(), "logs stay for debugging"
    refreshed = LocalTargetProvider().read("shop-aws-us-east-1", outs)
    assert refreshed.id == "" and refreshed.outs == {}


def test_refresh_notices_a_dead_process_and_picks_up_a_restarted_one(state: Path, deployed: Deployed) -> None:
    outs = deployed.create_target(target_props(state, "shop-gcp-europe-west1", "gcp", "europe-west1"))
    os.kill(int(outs["pid"]), signal.SIGKILL)  # the cloud dies
    assert wait_for(lambda: LocalTargetProvider().read("x", outs).id == "", timeout=3)

    # A drill brings it back from the saved launch: refresh follows the pid file.
    launch = process.load_launch(state, "shop-gcp-europe-west1")
    assert launch is not None
    restarted = process.start(launch)
    read = LocalTargetProvider().read("shop-gcp-europe-west1", outs)
    assert read.id == "shop-gcp-europe-west1" and read.outs is not None
    assert read.outs["pid"] == restarted.pid != outs["pid"]

    # delete stops the process in the pid file, i.e. the restarted one.
    LocalTargetProvider().delete("shop-gcp-europe-west1", outs)
    assert not process.is_running(restarted)


def test_create_converges_after_an_interrupted_up(state: Path, deployed: Deployed) -> None:
    props = target_props(state, "shop-azure-westeurope", "azure", "westeurope")
    first = LocalTargetProvider().create(props).outs  # the engine died before recording this
    assert first is not None
    second = deployed.create_target(props)
    assert second["pid"] != first["pid"]
    orphan = process.ProcessRecord(int(first["pid"]), int(first["startTicks"]), tuple(first["argv"]))
    assert not process.is_running(orphan), "the unrecorded process was stopped, not left holding the port"


def test_target_diff_replaces_on_process_changes_and_updates_tags(state: Path) -> None:
    olds = target_props(state, "t", "aws", "us-east-1")
    provider = LocalTargetProvider()
    same = provider.diff("t", olds, dict(olds))
    assert same.changes is False and same.replaces == []
    moved = provider.diff("t", olds, {**olds, "address": "127.0.77.9"})
    assert moved.changes and moved.replaces == ["address"] and moved.delete_before_replace
    retagged = provider.diff("t", olds, {**olds, "tags": {**TAGS, "criticality": "standard"}})
    assert retagged.changes and retagged.replaces == []
    updated = provider.update("t", {**olds, "pid": 42}, {**olds, "tags": {"workload": "x"}})
    assert updated.outs is not None and updated.outs["pid"] == 42 and updated.outs["tags"] == {"workload": "x"}


def dns_props(state: Path, targets: list[dict[str, Any]], interval: float = 0.2) -> dict[str, Any]:
    address, port = free_address()
    return {
        "kind": DNS_KIND,
        "hostname": "shop.failoverkit.test",
        "zone": "failoverkit.test",
        "ttlSeconds": 1.0,
        "healthCheck": {
            "intervalSeconds": interval,
            "failureThreshold": 2.0,
            "timeoutSeconds": 0.1,
            "recoveryThreshold": 2.0,
        },
        "endpoints": [
            {
                "priority": float(i),
                "cloud": t["cloud"],
                "region": t["region"],
                "address": t["address"],
                "port": t["port"],
                "healthPath": t["healthPath"],
            }
            for i, t in enumerate(targets)
        ],
        "records": [{"name": "_acme.shop.failoverkit.test", "type": "TXT", "value": "v=1", "ttlSeconds": 60.0}],
        "listenAddress": address,
        "listenPort": float(port),
        "stateDir": str(state),
        "tags": TAGS,
        "server": None,
        "pid": None,
    }


def resolve(server: str, name: str = "shop.failoverkit.test", rdtype: str = "A") -> list[str]:
    host, port = server.rsplit(":", 1)
    response = dns.query.udp(dns.message.make_query(name, rdtype), host, port=int(port), timeout=1)
    return [str(r) for rrset in response.answer for r in rrset]


def test_failover_dns_end_to_end_with_real_processes(state: Path, deployed: Deployed) -> None:
    primary = deployed.create_target(target_props(state, "shop-aws-us-east-1", "aws", "us-east-1"))
    standby = deployed.create_target(target_props(state, "shop-gcp-europe-west1", "gcp", "europe-west1"))
    props = dns_props(state, [primary, standby])
    created = LocalFailoverDnsProvider().create(props)
    assert created.outs is not None
    deployed.dns = outs = created.outs
    server = outs["server"]
    assert server == f"{props['listenAddress']}:{int(props['listenPort'])}"
    assert Path(outs["statusPath"]) == state / "dns" / "status.json"
    assert resolve(server) == [primary["address"]]
    assert resolve(server, "_acme.shop.failoverkit.test", "TXT") == ['"v=1"']

    # The primary's cloud dies: DNS moves to the standby within interval x threshold + timeout (+ slack).
    os.kill(int(primary["pid"]), signal.SIGKILL)
    assert wait_for(lambda: resolve(server) == [standby["address"]], timeout=3)
    # status.json is rewritten just after the answer flips (outside the query path's lock): allow that moment.
    status_path = state / "dns" / "status.json"
    assert wait_for(lambda: json.loads(status_path.read_text())["answer"] == standby["address"], timeout=1)
    log = Path(outs["logPath"]).read_text()
    assert "UNHEALTHY after 2 failed checks" in log and "answer " in log

    read = LocalFailoverDnsProvider().read(created.id, outs)
    assert read.id == created.id

    # Update (new TTL) restarts the server in place on the same address.
    updated = LocalFailoverDnsProvider().update(created.id, outs, {**props, "ttlSeconds": 5.0})
    assert updated.outs is not None
    deployed.dns = updated.outs
    assert updated.outs["pid"] != outs["pid"]
    old = process.ProcessRecord(int(outs["pid"]), int(outs["startTicks"]), tuple(outs["argv"]))
    assert not process.is_running(old)
    assert wait_for(lambda: resolve(server) == [standby["address"]], timeout=3)

    LocalFailoverDnsProvider().delete(created.id, updated.outs)
    deployed.dns = None
    assert LocalFailoverDnsProvider().read(created.id, updated.outs).id == ""
    assert not (state / "dns" / "process.pid").exists()
    assert not (state / "dns" / "status.json").exists()


def test_failover_dns_diff(state: Path) -> None:
    props = dns_props(state, [])
    provider = LocalFailoverDnsProvider()
    assert provider.diff("d", props, {**props, "ttlSeconds": 5.0}).replaces == []
    assert provider.diff("d", props, {**props, "listenPort": 1.0}).replaces == ["listenPort"]
    assert provider.diff("d", props, dict(props)).changes is False
