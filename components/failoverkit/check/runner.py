"""Run a Pulumi Python project's program under mocks and return the resources the engine would see.

Besides what the program registers, the engine adds two kinds of resources that policies look
at, so this runner adds them too:

* the root ``pulumi:pulumi:Stack`` resource, parent of every top-level resource;
* one default provider per package used without an explicit provider
  (``pulumi:providers:aws`` named ``default_7_51_1``), whose inputs are the stack's ``aws:*``
  config (``region`` ...) plus ``version``, exactly like the engine's default providers; each
  such resource's provider reference points at it, so policies see ``aws:region`` and friends.

Example::

    project = load_project(Path("."), "local")
    resources = run_project(project)
"""

from __future__ import annotations

import contextlib
import os
import runpy
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from failoverkit.check.lazysdk import resources_on_demand
from failoverkit.check.mocks import PlausibleMocks, RecordedResource, RecordingMonitor, run_program
from failoverkit.check.project import PulumiProject

UNKNOWN_ID = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""The id the engine gives resources (default providers included) that a preview has not created."""

# Dynamic providers receive the whole stack config, namespaced, like the engine does.
_DYNAMIC_PACKAGES = frozenset({"pulumi-python", "pulumi-nodejs"})


def stack_urn(project: str, stack: str) -> str:
    """URN of the root stack resource: ``urn:pulumi:local::failoverkit::pulumi:pulumi:Stack::failoverkit-local``."""
    return f"urn:pulumi:{stack}::{project}::pulumi:pulumi:Stack::{project}-{stack}"


def default_provider_name(version: str | None) -> str:
    """The engine's name for a default provider: ``default`` or ``default_7_51_1`` (dots and dashes -> ``_``)."""
    if not version:
        return "default"
    return "default_" + version.replace(".", "_").replace("-", "_").replace("+", "_")


def package_of(resource_type: str) -> str:
    """``aws:s3/bucket:Bucket`` -> ``aws``."""
    return resource_type.split(":", 1)[0]


def _needs_default_provider(resource: RecordedResource) -> bool:
    return resource.custom and resource.provider is None and package_of(resource.type) != "pulumi"


def _provider_inputs(package: str, config: dict[str, str], version: str | None) -> dict[str, object]:
    inputs: dict[str, object] = {}
    for key, value in config.items():
        namespace, _, name = key.partition(":")
        if package in _DYNAMIC_PACKAGES:
            inputs[key] = value
        elif namespace == package:
            inputs[name] = value
    if version:
        inputs["version"] = version
    return inputs


def add_engine_resources(
    resources: list[RecordedResource],
    *,
    project: str,
    stack: str,
    config: dict[str, str],
    stack_outputs: dict[str, Any] | None = None,
) -> list[RecordedResource]:
    """Return ``resources`` with the stack resource and the default providers the engine would add.

    Resources without a provider get a reference to their package's default provider (a copy;
    the input list is not changed). Providers come first, as the engine registers them before
    the resources that use them.
    """
    root = stack_urn(project, stack)
    providers: dict[tuple[str, str | None], RecordedResource] = {}
    result: list[RecordedResource] = []
    for resource in resources:
        if _needs_default_provider(resource):
            package = package_of(resource.type)
            key = (package, resource.version)
            if key not in providers:
                name = default_provider_name(resource.version)
                ptype = f"pulumi:providers:{package}"
                providers[key] = RecordedResource(
                    urn=f"urn:pulumi:{stack}::{project}::{ptype}::{name}",
                    type=ptype,
                    name=name,
                    inputs=_provider_inputs(package, config, resource.version),
                    custom=True,
                    id=UNKNOWN_ID,
                )
            ref = f"{providers[key].urn}::{providers[key].id}"
            resource = RecordedResource(**{**resource.__dict__, "provider": ref})
        result.append(resource)
    stack_resource = RecordedResource(
        urn=root,
        type="pulumi:pulumi:Stack",
        name=f"{project}-{stack}",
        inputs={},
        custom=False,
        outputs=dict(stack_outputs or {}),  # the program's exports, as stack policies see them
    )
    return [stack_resource, *providers.values(), *result]


@contextlib.contextmanager
def _program_environment(project: PulumiProject) -> Iterator[None]:
    """cwd = project dir, program dir first on sys.path; restore both and drop the program's own modules."""
    saved_cwd = os.getcwd()
    saved_path = list(sys.path)
    saved_modules = set(sys.modules)
    roots = [str(project.main.parent), str(project.directory)]
    sys.path[:0] = list(dict.fromkeys(roots))
    os.chdir(project.directory)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        sys.path[:] = saved_path
        # A second project may have a helper module of the same name: forget the ones loaded from here.
        for name in set(sys.modules) - saved_modules:
            if _loaded_from(sys.modules[name], name, roots):
                del sys.modules[name]


def _loaded_from(module: object, name: str, roots: list[str]) -> bool:
    """True if ``module`` was importable only because ``roots`` were on sys.path (not an installed package)."""
    module_file = getattr(module, "__file__", None)
    if not module_file:
        return False
    top = name.split(".", 1)[0]
    for root in roots:
        path = Path(module_file)
        if path.is_relative_to(root):
            first = path.relative_to(root).parts[0]
            if first in (top, f"{top}.py"):
                return True
    return False


def run_project(
    project: PulumiProject, *, preview: bool = True, monitor: RecordingMonitor | None = None
) -> list[RecordedResource]:
    """Run ``project``'s program under mocks with its stack config; return every resource, engine-added ones too.

    ``preview`` (the default) gives ``pulumi preview``'s semantics (see ``failoverkit.check.mocks``).
    Pass a fresh ``monitor`` to read what the mocks could not answer afterwards. Exceptions the
    program raises propagate unchanged (the caller turns them into exit 2).
    """

    def program() -> None:
        runpy.run_path(str(project.main), run_name="__main__")

    monitor = monitor or RecordingMonitor(PlausibleMocks(preview=preview))
    with _program_environment(project), resources_on_demand():
        recorded = run_program(
            program,
            project=project.name,
            stack=project.stack,
            config=project.config,
            secret_keys=project.secret_keys,
            preview=preview,
            monitor=monitor,
        )
    return add_engine_resources(
        recorded, project=project.name, stack=project.stack, config=project.config, stack_outputs=monitor.stack_outputs
    )
