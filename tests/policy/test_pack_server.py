"""The launcher serves the pack the way the engine starts an analyzer plugin: exec, read the port, talk gRPC."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

LAUNCHER = Path(__file__).resolve().parents[2] / "policies" / "failoverkit-policies"


@pytest.fixture
def analyzer(tmp_path: Path) -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    # Like the engine: the engine's address as argument, the port read from the first stdout line.
    stderr = tmp_path / "stderr"
    with stderr.open("wb") as err:
        proc = subprocess.Popen(
            [str(LAUNCHER), "127.0.0.1:1"], stdout=subprocess.PIPE, stderr=err, cwd="/", start_new_session=True
        )
    assert proc.stdout is not None
    try:
        line = proc.stdout.readline().decode().strip()
        assert line.isdigit(), f"expected a port, got {line!r}; stderr: {stderr.read_text()}"
        with grpc.insecure_channel(f"127.0.0.1:{line}") as channel:
            grpc.channel_ready_future(channel).result(timeout=10)
            yield analyzer_pb2_grpc.AnalyzerStub(channel)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the session we started: the launcher's exec'd python only
        proc.wait(timeout=10)
        proc.stdout.close()


def _struct(value: dict[str, object]) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    s.update(json.loads(json.dumps(value)))
    return s


def _target(name: str, cloud: str, region: str) -> analyzer_pb2.AnalyzerResource:
    props = {
        "kind": "failoverkit:local:Target",
        "cloud": cloud,
        "region": region,
        "tags": {"workload": "shop", "criticality": "critical"},
    }
    return analyzer_pb2.AnalyzerResource(
        type="pulumi-python:dynamic:Resource",
        name=name,
        urn=f"urn:pulumi:dev::shop::pulumi-python:dynamic:Resource::{name}",
        properties=_struct(props),
    )


def test_launcher_serves_the_seven_policies(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    info = analyzer.GetAnalyzerInfo(empty_pb2.Empty())
    assert info.name == "failoverkit"
    assert [p.name for p in info.policies] == [
        "critical-workload-multi-provider",
        "critical-workload-multi-region",
        "critical-workload-placement-known",
        "failover-dns-health-checked",
        "failover-within-rto",
        "dns-ttl-bounded",
        "dns-outside-primary-failure-domain",
    ]
    levels = {p.name: p.enforcementLevel for p in info.policies}
    assert levels["critical-workload-multi-provider"] == analyzer_pb2.MANDATORY
    assert levels["dns-ttl-bounded"] == analyzer_pb2.ADVISORY
    assert all(p.remediation_steps for p in info.policies)


def test_analyze_stack_over_grpc_with_config(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    # Config as the engine sends it (a Struct: every number a double).
    config = analyzer_pb2.PolicyConfig(enforcementLevel=analyzer_pb2.MANDATORY, properties=_struct({"minProviders": 3}))
    analyzer.Configure(analyzer_pb2.ConfigureAnalyzerRequest(policyConfig={"critical-workload-multi-provider": config}))
    two_clouds = [
        _target("shop-aws-us-east-1", "aws", "us-east-1"),
        _target("shop-gcp-europe-west1", "gcp", "europe-west1"),
    ]
    response = analyzer.AnalyzeStack(analyzer_pb2.AnalyzeStackRequest(resources=two_clouds))
    by_policy = {d.policyName: d for d in response.diagnostics}
    multi = by_policy["critical-workload-multi-provider"]
    assert multi.enforcementLevel == analyzer_pb2.MANDATORY
    assert "runs on 2 providers: aws, gcp" in multi.message
    assert "at least 3 providers" in multi.message  # 3.0 formatted as 3
    assert "critical-workload-multi-region" not in by_policy
