"""Read a Pulumi Python project and one stack's config the way the Pulumi CLI does, with no CLI.

Sources, lowest precedence first: ``Pulumi.yaml`` config defaults (``config: {key: {default: ...}}``
or ``key: value`` / ``key: {value: ...}``), the stack file ``Pulumi.<stack>.yaml`` in
``stackConfigDir``, then ``--config KEY=VALUE`` overrides. Bare keys get the project namespace,
like ``pulumi config set``. ``secure:`` values are replaced by :data:`SECRET_PLACEHOLDER` and their
keys reported as secret: ciphertext is never decrypted nor printed.

Example::

    project = load_project(Path("."), "local", overrides=["failoverkit:rtoSeconds=60"])
    project.config["failoverkit:rtoSeconds"]  # "60"
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from failoverkit.errors import CheckError, ConfigError

SECRET_PLACEHOLDER = "[secret]"
"""What a ``secure:`` config value reads as under ``check`` (no passphrase, no decryption)."""


@dataclass(frozen=True)
class PulumiProject:
    """A Pulumi project directory with one stack's resolved config."""

    name: str
    directory: Path
    main: Path
    """The program file the language host would run (``main`` file, or ``<main dir>/__main__.py``)."""
    stack: str
    stack_file: Path
    config: dict[str, str] = field(default_factory=dict)
    """``namespace:key`` -> string value, as ``pulumi.Config`` reads it."""
    secret_keys: list[str] = field(default_factory=list)
    runtime: str = "python"


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CheckError(f"{path}: cannot read ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from exc


def _full_key(key: str, project: str) -> str:
    # `pulumi config set foo 1` stores "project:foo"; a bare key means the project's namespace.
    return key if ":" in key else f"{project}:{key}"


def _contains_secure(value: Any) -> bool:
    if isinstance(value, Mapping):
        return set(value) == {"secure"} or any(_contains_secure(v) for v in value.values())
    if isinstance(value, list):
        return any(_contains_secure(v) for v in value)
    return False


def _mask_secure(value: Any) -> Any:
    if isinstance(value, Mapping):
        if set(value) == {"secure"}:
            return SECRET_PLACEHOLDER
        return {k: _mask_secure(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_secure(v) for v in value]
    return value


def config_string(value: Any) -> str:
    """A config value as the CLI hands it to programs: strings as is, YAML scalars and objects as JSON."""
    if isinstance(value, str):
        return value
    # bool before int: YAML `true` is the string "true" to programs, as with `pulumi config get`.
    return json.dumps(value, separators=(",", ":")) if isinstance(value, (Mapping, list, bool)) else str(value)


def _project_defaults(raw: Mapping[str, Any], project: str) -> dict[str, Any]:
    defaults: dict[str, Any] = {}
    for key, decl in (raw or {}).items():
        full = _full_key(str(key), project)
        if isinstance(decl, Mapping):
            # `{type, description, default}` declares a project key; `{value: ...}` sets another package's.
            if "default" in decl:
                defaults[full] = decl["default"]
            elif "value" in decl:
                defaults[full] = decl["value"]
        elif decl is not None:
            defaults[full] = decl
    return defaults


def _parse_override(item: str, project: str) -> tuple[str, str]:
    key, sep, value = item.partition("=")
    if not sep or not key.strip():
        raise ConfigError(f"--config: expected KEY=VALUE (e.g. aws:region=us-west-2), got {item!r}")
    return _full_key(key.strip(), project), value


def available_stacks(stack_dir: Path) -> list[str]:
    """Stack names that have a ``Pulumi.<stack>.yaml`` in ``stack_dir``, sorted."""
    if not stack_dir.is_dir():
        return []
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in stack_dir.glob("Pulumi.*.yaml"))


def _main_file(directory: Path, main: str | None) -> Path:
    target = directory / (main or ".")
    path = target / "__main__.py" if target.is_dir() else target
    if not path.is_file():
        where = f"main: {main}" if main else "the project directory"
        raise CheckError(f"{directory / 'Pulumi.yaml'}: no program to run ({where}; looked for {path})")
    return path


def load_project(directory: Path, stack: str, overrides: Iterable[str] = ()) -> PulumiProject:
    """Read ``directory``'s ``Pulumi.yaml`` and ``stack``'s config; raise :class:`CheckError` if unusable.

    An unknown stack raises :class:`CheckError` naming the stacks that exist.
    """
    directory = directory.resolve()
    manifest_path = directory / "Pulumi.yaml"
    if not manifest_path.is_file():
        raise CheckError(f"{directory}: no Pulumi.yaml (not a Pulumi project directory)")
    manifest = _read_yaml(manifest_path)
    if not isinstance(manifest, Mapping) or not isinstance(manifest.get("name"), str):
        raise ConfigError(f"{manifest_path}: name: a project name is required")
    name: str = manifest["name"]
    runtime = manifest.get("runtime")
    runtime_name = str(runtime.get("name") if isinstance(runtime, Mapping) else runtime)
    if runtime_name != "python":
        raise CheckError(f"{manifest_path}: runtime: check runs Python programs only, got {runtime_name!r}")
    main = _main_file(directory, manifest.get("main"))

    stack_dir = directory / str(manifest.get("stackConfigDir") or ".")
    short = stack.rsplit("/", 1)[-1]  # "org/project/dev" -> "dev": the file is named by the stack alone
    stack_file = stack_dir / f"Pulumi.{short}.yaml"
    if not stack_file.is_file():
        known = available_stacks(stack_dir)
        listed = ", ".join(known) if known else "none"
        raise CheckError(f"--stack: no stack {stack!r} in {stack_dir} (stacks: {listed})")

    values: dict[str, Any] = _project_defaults(manifest.get("config") or {}, name)
    stack_doc = _read_yaml(stack_file) or {}
    if not isinstance(stack_doc, Mapping):
        raise ConfigError(f"{stack_file}: expected a mapping with a config: key")
    stack_config = stack_doc.get("config") or {}
    if not isinstance(stack_config, Mapping):
        raise ConfigError(f"{stack_file}: config: expected a mapping of key: value")
    secret_keys: set[str] = set()
    for key, value in stack_config.items():
        full = _full_key(str(key), name)
        if _contains_secure(value):
            secret_keys.add(full)
        values[full] = _mask_secure(value)

    config = {key: config_string(value) for key, value in values.items() if value is not None}
    for item in overrides:
        key, value = _parse_override(item, name)
        config[key] = value
        secret_keys.discard(key)
    return PulumiProject(
        name=name,
        directory=directory,
        main=main,
        stack=short,
        stack_file=stack_file,
        config=config,
        secret_keys=sorted(secret_keys),
        runtime=runtime_name,
    )
