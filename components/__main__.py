"""Plugin entry point: hosts FailoverApp as a Pulumi provider, so other languages can use it.

``pulumi package add ./components`` (from a TypeScript, Go, C#, Java or YAML program) reads
PulumiPlugin.yaml, has the Python language host install requirements.txt into ``components/venv`` and run
``python components/ <engine address> ...``, i.e. this file. It serves a gRPC provider whose schema
Pulumi infers from FailoverApp's annotations (inputs: ``FailoverAppArgs``; outputs: its public annotated
attributes) and whose ``construct`` builds the very same Python component. The CLI turns that schema
into an SDK in the consumer's language.

Check it without the CLI: ``python components/ 127.0.0.1:1`` prints the port it serves on.
"""

import tomllib
from pathlib import Path

import pulumi
from failoverkit import FailoverApp
from pulumi.provider.experimental import component_provider_host

NAME = "failoverkit"
"""The package name: resource types are ``failoverkit:index:FailoverApp``, as in Python programs."""
NAMESPACE = "failoverkit"
"""Publisher namespace in generated SDK names (e.g. ``@failoverkit/failoverkit`` on npm), not ``pulumi``."""
COMPONENTS: list[type[pulumi.ComponentResource]] = [FailoverApp]
"""What the provider hosts (its schema lists exactly these)."""


def version() -> str:
    """failoverkit's own version, read from pyproject.toml beside this file (works before any install)."""
    with (Path(__file__).parent / "pyproject.toml").open("rb") as f:
        return str(tomllib.load(f)["project"]["version"])


if __name__ == "__main__":
    component_provider_host(components=COMPONENTS, name=NAME, namespace=NAMESPACE, version=version())
