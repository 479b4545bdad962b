"""FailoverApp for other Pulumi languages: the schema Pulumi infers, construct, and the plugin entry point.

``pulumi package add ./components`` runs ``components/__main__.py`` through the Python language host, which
isn't available offline. These tests cover everything up to that host: the schema the analyzer infers from
the annotations, the provider's ``construct`` under mocks (inputs spelled as other languages send them),
and the entry point itself, started as a process and asked for its schema over gRPC.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import grpc
import pulumi
import pytest
import yaml
from assertions import APP_TYPE, Infra, with_fake_dns
from failoverkit import FailoverApp
from failoverkit.check.mocks import PlausibleMocks, RecordingMonitor, run_program
from google.protobuf import empty_pb2
from pulumi.errors import InputPropertyError
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.server import ComponentInitError
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

COMPONENTS_DIR = Path(__file__).resolve().parents[2] / "components"
TYPES = "#/types/failoverkit:index:"
OUTPUTS = {
    "url",
    "endpoints",
    "placements",
    "failoverBudgetSeconds",
    "failoverBudgetFormula",
    "failbackBudgetSeconds",
    "failbackBudgetFormula",
    "rtoSeconds",
    "tags",
    "workload",
    "criticality",
    "dns",
    "drillFaults",
}


def load_plugin_main() -> ModuleType:
    """components/__main__.py as a module (its ``__name__`` guard keeps the provider from starting)."""
    spec = importlib.util.spec_from_file_location("failoverkit_plugin_main", COMPONENTS_DIR / "__main__.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def plugin() -> ModuleType:
    return load_plugin_main()


@pytest.fixture(scope="module")
def provider(plugin: ModuleType) -> ComponentProvider:
    """The provider exactly as the entry point builds it (component_provider_host does the same)."""
    return ComponentProvider(plugin.COMPONENTS, plugin.NAME, plugin.NAMESPACE, plugin.version())


@pytest.fixture(scope="module")
def schema(provider: ComponentProvider) -> dict[str, Any]:
    assert provider.schema is not None
    parsed: dict[str, Any] = json.loads(provider.schema)
    return parsed


def resource(schema: dict[str, Any]) -> dict[str, Any]:
    res: dict[str, Any] = schema["resources"][APP_TYPE]
    return res


def object_type(schema: dict[str, Any], name: str) -> dict[str, Any]:
    typ: dict[str, Any] = schema["types"][f"failoverkit:index:{name}"]
    return typ


# --- the entry point and its manifest ---


def test_entry_point_hosts_failover_app_under_the_package_name(plugin: ModuleType) -> None:
    source = (COMPONENTS_DIR / "__main__.py").read_text()
    assert list(plugin.COMPONENTS) == [FailoverApp]
    assert (plugin.NAME, plugin.NAMESPACE) == ("failoverkit", "failoverkit")
    assert 'if __name__ == "__main__":' in source
    assert "component_provider_host(components=COMPONENTS, name=NAME, namespace=NAMESPACE" in source
    pyproject = tomllib.loads((COMPONENTS_DIR / "pyproject.toml").read_text())
    assert plugin.version() == pyproject["project"]["version"]


def test_plugin_manifest_runs_python_with_requirements_that_install_the_package() -> None:
    manifest = yaml.safe_load((COMPONENTS_DIR / "PulumiPlugin.yaml").read_text())
    assert manifest["runtime"]["name"] == "python"
    # The kit's own environment (the repo's .venv): one install serves Python programs and the plugin.
    assert manifest["runtime"]["options"] == {"toolchain": "pip", "virtualenv": "../.venv"}
    requirements = [
        line.strip()
        for line in (COMPONENTS_DIR / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    # pip runs in components/: "-e ." is this package with the dependencies its pyproject names.
    assert "-e ." in requirements
    assert "-c ../constraints.txt" in requirements
    assert (COMPONENTS_DIR / "../constraints.txt").is_file()


# --- the inferred schema ---


def test_schema_names_the_package_and_its_one_component(schema: dict[str, Any], plugin: ModuleType) -> None:
    assert (schema["name"], schema["namespace"], schema["version"]) == ("failoverkit", "failoverkit", plugin.version())
    assert list(schema["resources"]) == [APP_TYPE]
    assert resource(schema)["isComponent"] is True
    assert "health-checked failover DNS" in resource(schema)["description"]
    assert schema.get("dependencies", []) == []  # no references to other packages' resources


def test_inputs_are_the_args_in_camel_case_with_the_required_ones_marked(schema: dict[str, Any]) -> None:
    res = resource(schema)
    inputs = res["inputProperties"]
    assert set(inputs) == {"app", "hostname", "targets", "dns", "rtoSeconds", "drillFaults"}
    assert res["requiredInputs"] == ["app", "dns", "hostname", "targets"]
    assert inputs["app"]["$ref"] == f"{TYPES}AppArgs"
    assert inputs["dns"]["$ref"] == f"{TYPES}DnsArgs"
    assert inputs["targets"]["type"] == "array"
    assert inputs["targets"]["items"]["$ref"] == f"{TYPES}TargetArgs"
    assert inputs["drillFaults"]["items"]["$ref"] == f"{TYPES}DrillFaultArgs"
    assert (inputs["hostname"]["type"], inputs["rtoSeconds"]["type"]) == ("string", "integer")
    # parse_spec validates every value before a resource exists, so inputs are plain values, not Outputs.
    assert all(p.get("plain") is True for p in inputs.values())


def test_nested_input_types_carry_their_keys_types_and_required_keys(schema: dict[str, Any]) -> None:
    app = object_type(schema, "AppArgs")
    assert set(app["properties"]) == {"name", "image", "command", "port", "healthPath", "criticality"}
    assert app["required"] == ["name"]
    assert app["properties"]["command"] == {**app["properties"]["command"], "type": "array"}
    assert app["properties"]["command"]["items"]["type"] == "string"
    assert app["properties"]["port"]["type"] == "integer"

    target = object_type(schema, "TargetArgs")
    assert set(target["properties"]) == {
        "cloud",
        "region",
        "simulated",
        "address",
        "vpcId",
        "subnetIds",
        "image",
        "invokerIamDisabled",
        "enableApis",
        "taskSubnets",
        "registryCredentialsArn",
        "allowUnknownRegion",
    }
    assert target["required"] == ["cloud", "region"]
    assert target["properties"]["simulated"]["type"] == "boolean"
    assert target["properties"]["allowUnknownRegion"]["type"] == "boolean"
    assert target["properties"]["subnetIds"]["items"]["type"] == "string"

    fault = object_type(schema, "DrillFaultArgs")
    assert set(fault["properties"]) == {"target", "fault"}
    assert fault["required"] == ["fault", "target"]

    dns = object_type(schema, "DnsArgs")
    assert dns["required"] == ["provider", "zone"]
    assert dns["properties"]["healthCheck"]["$ref"] == f"{TYPES}HealthCheckArgs"
    assert {"zoneId", "accountId", "resourceGroup", "managedZone", "proxied", "listen", "secondary", "ttl"} <= set(
        dns["properties"]
    )

    hc = object_type(schema, "HealthCheckArgs")
    assert {k: p["type"] for k, p in hc["properties"].items()} == {
        "intervalSeconds": "number",
        "failureThreshold": "integer",
        "timeoutSeconds": "number",
        "recoveryThreshold": "integer",
    }
    assert "required" not in hc  # every knob has a provider default


def test_outputs_are_what_the_component_registers_and_nothing_private(schema: dict[str, Any]) -> None:
    res = resource(schema)
    outputs = res["properties"]
    assert set(outputs) == OUTPUTS  # no `spec` (a Python-only property), no private attributes
    assert set(res["required"]) == OUTPUTS
    assert outputs["url"]["type"] == "string"
    assert outputs["failoverBudgetSeconds"]["type"] == "number"
    assert outputs["rtoSeconds"]["type"] == "integer"
    assert outputs["placements"]["items"]["type"] == "string"
    assert outputs["tags"]["additionalProperties"]["type"] == "string"
    assert outputs["dns"]["additionalProperties"]["$ref"] == "pulumi.json#/Any"  # backend details vary
    assert outputs["endpoints"]["items"]["$ref"] == f"{TYPES}EndpointInfo"
    assert outputs["drillFaults"]["items"]["$ref"] == f"{TYPES}DrillFaultInfo"
    assert all("plain" not in p for p in outputs.values())
    assert set(object_type(schema, "DrillFaultInfo")["properties"]) == {"target", "fault"}

    endpoint = object_type(schema, "EndpointInfo")
    # The keys endpoint_output writes (camelCase already), so the SDKs read the very dicts Python exports.
    assert set(endpoint["properties"]) == {
        "key",
        "cloud",
        "region",
        "priority",
        "simulated",
        "originHostname",
        "port",
        "protocol",
        "healthUrl",
        "staticIp",
    }
    assert "staticIp" not in endpoint["required"]  # only IP-routed targets have one
    assert endpoint["properties"]["priority"]["type"] == "integer"


def test_every_type_and_property_is_described(schema: dict[str, Any]) -> None:
    res = resource(schema)
    props = {f"FailoverApp.{k}": p for k, p in {**res["inputProperties"], **res["properties"]}.items()}
    for name, typ in schema["types"].items():
        assert typ.get("description"), name
        props.update({f"{name}.{k}": p for k, p in typ["properties"].items()})
    undescribed = sorted(name for name, p in props.items() if not (p.get("description") or "").strip())
    assert undescribed == []
    assert len(props) > 40


# --- construct: what the provider does when another language creates a FailoverApp ---


def schema_inputs() -> dict[str, Any]:
    """FailoverApp inputs as a TypeScript program sends them: camelCase keys, every number a float."""
    return {
        "app": {"name": "shop", "image": "ghcr.io/acme/shop:1.4.2", "port": 8080.0, "healthPath": "/health"},
        "hostname": "shop.example.com",
        "targets": [{"cloud": "aws", "region": "us-east-1"}, {"cloud": "gcp", "region": "us-central1"}],
        "dns": {"provider": "route53", "zone": "example.com", "ttl": 30.0, "healthCheck": {"intervalSeconds": 10.0}},
        "rtoSeconds": 120.0,
    }


def run_construct(provider: ComponentProvider, inputs: dict[str, Any]) -> tuple[Infra, dict[str, Any]]:
    """Call ``construct`` inside a program under mocks; return what it registered and the state it returned."""
    monitor = RecordingMonitor(PlausibleMocks())

    def program() -> None:
        result = provider.construct("shop", APP_TYPE, inputs, pulumi.ResourceOptions())
        pulumi.export("urn", result.urn)
        pulumi.export("state", result.state)

    resources = run_program(program, project="consumer", stack="test", monitor=monitor)
    return Infra(resources), monitor.stack_outputs


def test_construct_builds_the_component_from_inputs_sent_by_another_language(
    provider: ComponentProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_fake_dns(monkeypatch)
    infra, exported = run_construct(provider, schema_inputs())
    app = infra.component(APP_TYPE)
    assert app.name == "shop"
    assert exported["urn"] == app.urn
    # Targets' children exist under the component, named from target.key as in Python programs.
    assert any(r.name.startswith("shop-aws-us-east-1") for r in infra.custom("aws:"))
    assert any(r.name.startswith("shop-gcp-us-central1") for r in infra.custom("gcp:"))

    state = exported["state"]
    assert set(state) == OUTPUTS
    assert set(app.outputs) == OUTPUTS  # what register_outputs recorded: the same names as the schema
    assert state["url"] == "https://shop.example.com/"
    assert state["placements"] == ["aws/us-east-1", "gcp/us-central1"]
    assert state["rtoSeconds"] == 120
    assert state["failoverBudgetSeconds"] <= 120
    assert (state["workload"], state["criticality"]) == ("shop", "critical")
    endpoint_keys = set(provider._type_defs["EndpointInfo"].properties)
    for endpoint in state["endpoints"]:
        assert set(endpoint) == endpoint_keys
    assert [(e["key"], e["priority"], e["protocol"]) for e in state["endpoints"]] == [
        ("aws-us-east-1", 0, "HTTPS"),
        ("gcp-us-central1", 1, "HTTPS"),
    ]
    assert all(e["healthUrl"].endswith("/health") for e in state["endpoints"])


def test_construct_refuses_a_missing_required_input_before_registering_anything(
    provider: ComponentProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_fake_dns(monkeypatch)
    inputs = schema_inputs()
    del inputs["targets"][1]["region"]
    with pytest.raises(InputPropertyError) as caught:
        run_construct(provider, inputs)
    assert caught.value.property_path == "targets[1].region"
    assert "Missing required input" in caught.value.reason


def test_construct_reports_parse_spec_problems_as_the_component_s_own_error(
    provider: ComponentProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_fake_dns(monkeypatch)
    inputs = schema_inputs()
    inputs["app"]["port"] = 0.0
    with pytest.raises(ComponentInitError) as caught:
        run_construct(provider, inputs)
    assert "app.port: must be between 1 and 65535, got 0" in str(caught.value)


# --- the entry point as the language host starts it: `python components/ <engine address>` ---


@pytest.fixture
def plugin_process() -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen(
        [sys.executable, str(COMPONENTS_DIR), "127.0.0.1:1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=COMPONENTS_DIR.parent,
    )
    try:
        yield proc
    finally:
        proc.kill()
        proc.wait(timeout=10)
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()


def read_port(proc: subprocess.Popen[str], timeout: float = 60.0) -> int:
    """The first stdout line is the port the provider serves on (as the engine reads it)."""
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(proc.stdout.readline() if proc.stdout else ""), daemon=True)
    reader.start()
    reader.join(timeout)
    if not line or not line[0].strip().isdigit():
        proc.kill()
        _, err = proc.communicate(timeout=10)
        pytest.fail(f"plugin printed no port within {timeout:g} s: {line!r}\n{err[-2000:]}")
    return int(line[0])


def test_entry_point_serves_the_schema_over_grpc(
    plugin_process: subprocess.Popen[str], schema: dict[str, Any], plugin: ModuleType
) -> None:
    port = read_port(plugin_process)
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = provider_pb2_grpc.ResourceProviderStub(channel)
        served = json.loads(stub.GetSchema(provider_pb2.GetSchemaRequest(version=0), timeout=30).schema)
        info = stub.GetPluginInfo(empty_pb2.Empty(), timeout=30)
    assert served == schema
    assert info.version == plugin.version()
