"""failoverkit's Python language host: `pulumi-language-python` for the engine that scripts/setup-engine builds.

The official host is not served by the Go module proxy, so this one stands in for it. The engine starts it
(``pulumi-language-python [--tracing URL] [-v=N] ENGINE_ADDRESS``), reads the port it prints and calls the
LanguageRuntime service. It runs:

- programs (``runtime: python`` projects): through Pulumi's own runner, ``pulumi-language-python-exec``
  from the sdk/v3 module of the pinned version, with the arguments and the ``PULUMI_CONFIG`` /
  ``PULUMI_CONFIG_SECRET_KEYS`` environment that runner reads (config, dry run, parallelism, ...);
- plugins: component providers (``PulumiPlugin.yaml``) and policy packs in directory form
  (``PulumiPolicy.yaml``), as ``python -u <plugin dir> ARGS...``, their output streamed to the engine;
- dependency installs (``pulumi install``, ``pulumi package add <dir>``), required packages (the installed
  packages' ``pulumi-plugin.json``), ``pulumi about`` metadata.

Each program or plugin runs with the interpreter the project's ``runtime.options`` name: ``virtualenv``
(relative to the directory of Pulumi.yaml / PulumiPlugin.yaml / PulumiPolicy.yaml) and ``toolchain``
(``pip``, the default; ``uv``, whose environment defaults to ``.venv``; ``poetry``), else
``$PULUMI_PYTHON_CMD``, else ``python3`` on PATH. ``typechecker`` (mypy | pyright) runs before the program.
Code generation (SDKs, ``pulumi convert``, ``pulumi new`` templates) and debugging are not supported: those
methods fail with a message that says so.

The host itself needs grpcio and the Pulumi SDK's generated protocol modules; scripts/setup-engine gives it
an environment of its own (requirements.txt beside this file) in the engine cache, never the program's.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent import futures
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import grpc
from google.protobuf import empty_pb2, json_format  # type: ignore[import-untyped]
from pulumi.runtime.proto import language_pb2, language_pb2_grpc, plugin_pb2

VERSION = "3.274.1"
"""The engine version this host is built for (reported by GetPluginInfo)."""
BAIL_EXIT_CODE = 32
"""pulumi-language-python-exec exits with this after it has shown the user an actionable error."""
TOOLCHAINS = ("pip", "uv", "poetry")
TYPECHECKERS = ("mypy", "pyright")
MAX_MESSAGE_BYTES = 400 * 1024 * 1024
"""As large as the engine's own gRPC limit: schemas and resource state can be big."""

# Runs inside the program's interpreter (stdlib only): installed distributions, and the pulumi-plugin.json (older
# name: pulumiplugin.json) of every top-level package, how a Python package declares the provider plugin it needs.
_INSPECT_ENVIRONMENT = r"""
import importlib.metadata as md, json, pathlib, sys
dists = sorted({(d.metadata["Name"], d.version) for d in md.distributions() if d.metadata["Name"]})
owners = md.packages_distributions()
plugins = []
for entry in sys.path:
    base = pathlib.Path(entry or ".")
    if base.is_dir():
        for manifest in sorted([*base.glob("*/pulumi-plugin.json"), *base.glob("*/pulumiplugin.json")]):
            dist = (owners.get(manifest.parent.name) or [""])[0]
            version = md.version(dist) if dist else ""
            plugins.append({"package": manifest.parent.name, "dist": dist, "distVersion": version,
                            "manifest": manifest.read_text()})
print(json.dumps({"python": sys.executable, "version": sys.version.split()[0],
                  "distributions": dists, "plugins": plugins}))
"""


@dataclass(frozen=True)
class Output:
    """A piece of a child process' output, or (last) its exit code."""

    stdout: bytes = b""
    stderr: bytes = b""
    exit_code: int | None = None


class HostError(Exception):
    """A problem the user must fix (missing environment, unknown option): its text is shown as is."""


@dataclass(frozen=True)
class PythonEnvironment:
    """The interpreter a program or plugin runs with, as its runtime options choose it."""

    toolchain: str
    python: str
    """The interpreter: ``<virtualenv>/bin/python`` or a command found on PATH."""
    virtualenv: Path | None

    def environ(self, base: Mapping[str, str]) -> dict[str, str]:
        """``base`` with the virtualenv activated (as ``source bin/activate`` would), so children find its tools."""
        env = dict(base)
        if self.virtualenv is not None:
            env["VIRTUAL_ENV"] = str(self.virtualenv)
            env["PATH"] = os.pathsep.join(p for p in (str(self.virtualenv / "bin"), env.get("PATH", "")) if p)
            env.pop("PYTHONHOME", None)
        return env


def options_of(info: language_pb2.ProgramInfo) -> dict[str, Any]:
    """The ``runtime.options`` of the project or plugin, as a plain mapping."""
    return json_format.MessageToDict(info.options) if info.HasField("options") else {}


def python_environment(root: Path, options: Mapping[str, Any], environ: Mapping[str, str]) -> PythonEnvironment:
    """Resolve the interpreter for the project or plugin whose Pulumi*.yaml lives in ``root``.

    Raises HostError naming the option and what to do when the environment is missing or unknown.
    """
    toolchain = str(options.get("toolchain") or "pip")
    if toolchain not in TOOLCHAINS:
        raise HostError(f"runtime option toolchain: must be one of {', '.join(TOOLCHAINS)}, got {toolchain!r}")
    option = options.get("virtualenv")
    if toolchain == "poetry" and option is None:
        option = _poetry_environment(root, environ)
    venv = virtualenv_path(root, {**options, "virtualenv": option})
    if venv is None:
        return PythonEnvironment(toolchain, _python_on_path(environ), None)
    python = venv / "bin" / "python"
    if not python.exists():
        problem = "isn't a virtual environment" if venv.is_dir() else "doesn't exist"
        raise HostError(
            f"The 'virtualenv' option in {root / 'Pulumi.yaml'} (or the plugin's Pulumi*.yaml) is {option!r}, "
            f"but {venv} {problem}. Create it with `pulumi install`, or: python3 -m venv {venv} && "
            f"{python} -m pip install -r {root / 'requirements.txt'}"
        )
    return PythonEnvironment(toolchain, str(python), venv)


def virtualenv_path(root: Path, options: Mapping[str, Any]) -> Path | None:
    """The ``virtualenv`` option as an absolute path (relative ones are relative to ``root``); uv defaults to .venv."""
    option = options.get("virtualenv")
    if option is None and options.get("toolchain") == "uv":
        option = ".venv"  # uv's own default project environment
    if option is None:
        return None
    path = Path(str(option)).expanduser()
    return path if path.is_absolute() else root / path


def _python_on_path(environ: Mapping[str, str]) -> str:
    wanted = environ.get("PULUMI_PYTHON_CMD")
    for candidate in [wanted] if wanted else ["python3", "python"]:
        found = shutil.which(candidate, path=environ.get("PATH"))
        if found:
            return found
    raise HostError(
        f"no Python interpreter: {wanted or 'python3 (or python)'} is not on PATH. "
        "Install Python 3, set PULUMI_PYTHON_CMD, or name a virtualenv in Pulumi.yaml's runtime options"
    )


def _poetry_environment(root: Path, environ: Mapping[str, str]) -> str:
    poetry = shutil.which("poetry", path=environ.get("PATH"))
    if poetry is None:
        raise HostError("runtime option toolchain: poetry, but `poetry` is not on PATH")
    out = subprocess.run(
        [poetry, "env", "info", "--path"], cwd=root, capture_output=True, text=True, env=dict(environ), check=False
    )
    if out.returncode != 0 or not out.stdout.strip():
        raise HostError(f"`poetry env info --path` in {root} found no environment; run `pulumi install`")
    return out.stdout.strip()


def exec_arguments(request: language_pb2.RunRequest, engine_address: str, tracing: str | None) -> list[str]:
    """The arguments of pulumi-language-python-exec for one Run (its flags, then the program and its args)."""
    info = request.info
    program_dir = info.program_directory or request.pwd
    args = [
        "--monitor",
        request.monitor_address,
        "--engine",
        engine_address,
        "--project",
        request.project,
        "--stack",
        request.stack,
        "--pwd",
        program_dir,
        "--dry_run",
        "true" if request.dryRun else "false",
        "--parallel",
        str(request.parallel),
    ]
    if request.organization:
        args += ["--organization", request.organization]
    if info.root_directory:
        args += ["--root_directory", info.root_directory]
    if tracing:
        args += ["--tracing", tracing]
    return [*args, info.entry_point or request.program or ".", *request.args]


def config_environment(request: language_pb2.RunRequest) -> dict[str, str]:
    """The stack's config as the SDK reads it at start-up (values as strings, objects as JSON text)."""
    return {
        "PULUMI_CONFIG": json.dumps(dict(request.config), sort_keys=True),
        "PULUMI_CONFIG_SECRET_KEYS": json.dumps(sorted(request.configSecretKeys)),
    }


def run_outcome(exit_code: int, program: str) -> language_pb2.RunResponse:
    """How the engine should report a finished program: fine, already explained (bail), or an error."""
    if exit_code == 0:
        return language_pb2.RunResponse()
    if exit_code == BAIL_EXIT_CODE:
        return language_pb2.RunResponse(bail=True)
    if exit_code < 0:
        return language_pb2.RunResponse(error=f"{program}: Python was stopped by signal {-exit_code}")
    return language_pb2.RunResponse(error=f"{program}: Python exited with code {exit_code}")


def required_packages(manifests: Sequence[Mapping[str, Any]]) -> list[plugin_pb2.PackageDependency]:
    """Resource plugins that installed packages declare in their ``pulumi-plugin.json`` (``resource: true``).

    ``name`` defaults to the distribution's name without its ``pulumi-`` prefix and ``version`` to the
    distribution's version, as the manifest format documents.
    """
    found: dict[tuple[str, str], plugin_pb2.PackageDependency] = {}
    for entry in manifests:
        try:
            manifest = json.loads(str(entry.get("manifest") or "{}"))
        except ValueError:
            continue
        if not isinstance(manifest, dict) or manifest.get("resource") is not True:
            continue
        dist = str(entry.get("dist") or entry.get("package") or "")
        name = str(manifest.get("name") or dist.lower().replace("_", "-").removeprefix("pulumi-"))
        version = str(manifest.get("version") or entry.get("distVersion") or "")
        dependency = plugin_pb2.PackageDependency(
            kind="resource", name=name, version=version, server=str(manifest.get("server") or "")
        )
        param = manifest.get("parameterization")
        if isinstance(param, dict):
            dependency.parameterization.CopyFrom(
                plugin_pb2.PackageParameterization(
                    name=str(param.get("name", "")),
                    version=str(param.get("version", "")),
                    value=base64.b64decode(str(param.get("value", ""))),
                )
            )
        found.setdefault((name, version), dependency)
    return [found[key] for key in sorted(found)]


def plugin_available(dependency: plugin_pb2.PackageDependency, environ: Mapping[str, str]) -> bool:
    """Whether the engine has ``dependency``'s plugin without a download: in the plugin cache or on PATH."""
    home = Path(environ.get("PULUMI_HOME") or Path.home() / ".pulumi")
    version = dependency.version.removeprefix("v")
    cached = home / "plugins" / f"{dependency.kind}-{dependency.name}-v{version}"
    on_path = shutil.which(f"pulumi-{dependency.kind}-{dependency.name}", path=environ.get("PATH"))
    return cached.is_dir() or on_path is not None


def acquisition_disabled(environ: Mapping[str, str]) -> bool:
    """PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION is set to a true value."""
    return environ.get("PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION", "").lower() in ("1", "true", "yes")


def _abort(context: grpc.ServicerContext, code: grpc.StatusCode, message: str) -> NoReturn:
    """End the call with ``code`` and ``message`` (what the engine shows the user)."""
    context.abort(code, message)
    raise AssertionError("grpc's abort always raises")


def _unsupported(context: grpc.ServicerContext, what: str) -> NoReturn:
    _abort(
        context,
        grpc.StatusCode.UNIMPLEMENTED,
        f"{what} is not supported by this host (failoverkit's pulumi-language-python, engine/python-host): it runs "
        "Python programs, policy packs and plugins. Use the official Pulumi CLI for code generation.",
    )


class LanguageHost(language_pb2_grpc.LanguageRuntimeServicer):
    """The LanguageRuntime service: one per host process, serving every request of one engine."""

    def __init__(self, engine_address: str, exec_script: Path, tracing: str | None = None) -> None:
        self.engine_address = engine_address
        self.exec_script = exec_script
        self.tracing = tracing
        self._children: set[subprocess.Popen[bytes]] = set()
        self._lock = threading.Lock()

    # -- processes -------------------------------------------------------------------------------------

    def _start(self, argv: Sequence[str], cwd: str, env: Mapping[str, str], piped: bool) -> subprocess.Popen[bytes]:
        out = subprocess.PIPE if piped else None
        child = subprocess.Popen(list(argv), cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL, stdout=out, stderr=out)
        with self._lock:
            self._children.add(child)
        return child

    def _finish(self, child: subprocess.Popen[bytes]) -> int:
        code = child.wait()
        with self._lock:
            self._children.discard(child)
        return code

    def stop_children(self, grace_seconds: float = 5.0) -> None:
        """SIGINT every running program and plugin, SIGKILL what is still there after ``grace_seconds``."""
        with self._lock:
            children = list(self._children)
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        for child in children:
            try:
                child.wait(timeout=grace_seconds)
            except subprocess.TimeoutExpired:
                child.kill()

    def _stream(
        self, argv: Sequence[str], cwd: str, env: Mapping[str, str], context: grpc.ServicerContext
    ) -> Iterator[Output]:
        """Run ``argv``, yielding its output as it arrives and, last, its exit code.

        When the engine ends the call (it stops the plugin that way), the process is stopped too.
        """
        child = self._start(argv, cwd, env, piped=True)
        chunks: queue.Queue[Output | None] = queue.Queue()

        def pump(pipe: Any, wrap: Callable[[bytes], Output]) -> None:
            for chunk in iter(lambda: os.read(pipe.fileno(), 65536), b""):
                chunks.put(wrap(chunk))
            chunks.put(None)

        def kill_if_running() -> None:
            if child.poll() is None:
                child.kill()

        def on_rpc_end() -> None:
            if child.poll() is None:
                child.terminate()
                threading.Timer(5.0, kill_if_running).start()

        context.add_callback(on_rpc_end)
        threading.Thread(target=pump, args=(child.stdout, lambda b: Output(stdout=b)), daemon=True).start()
        threading.Thread(target=pump, args=(child.stderr, lambda b: Output(stderr=b)), daemon=True).start()
        open_pipes = 2
        while open_pipes:
            item = chunks.get()
            if item is None:
                open_pipes -= 1
            else:
                yield item
        yield Output(exit_code=self._finish(child))

    # -- the LanguageRuntime methods the engine calls ------------------------------------------------------

    def Handshake(
        self, request: language_pb2.LanguageHandshakeRequest, context: grpc.ServicerContext
    ) -> language_pb2.LanguageHandshakeResponse:
        if request.engine_address:
            self.engine_address = request.engine_address
        return language_pb2.LanguageHandshakeResponse()

    def GetPluginInfo(self, request: empty_pb2.Empty, context: grpc.ServicerContext) -> plugin_pb2.PluginInfo:
        return plugin_pb2.PluginInfo(version=VERSION)

    def _environment_of(self, info: language_pb2.ProgramInfo, context: grpc.ServicerContext) -> PythonEnvironment:
        try:
            return python_environment(Path(info.root_directory or "."), options_of(info), os.environ)
        except HostError as exc:
            _abort(context, grpc.StatusCode.FAILED_PRECONDITION, str(exc))

    def _inspect(self, env: PythonEnvironment, context: grpc.ServicerContext) -> dict[str, Any]:
        out = subprocess.run(
            [env.python, "-c", _INSPECT_ENVIRONMENT],
            capture_output=True,
            text=True,
            env=env.environ(os.environ),
            check=False,
        )
        if out.returncode != 0:
            _abort(context, grpc.StatusCode.INTERNAL, f"{env.python} could not list its packages: {out.stderr.strip()}")
        result: dict[str, Any] = json.loads(out.stdout)
        return result

    def _required(self, info: language_pb2.ProgramInfo, context: grpc.ServicerContext) -> list[Any]:
        """The packages to pre-install for the program or plugin in ``info``.

        One deliberate difference from the official host: when plugin downloads are disabled
        (PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION), packages whose plugin the engine does not have are
        left out. `pulumi up` treats them as best effort anyway and loads a provider only when a resource
        needs it, but `pulumi package add <dir>` would try to download them and fail: a component whose
        environment has every cloud's SDK but uses none of them here (failoverkit's local stack) could not
        be added offline.
        """
        found = required_packages(self._inspect(self._environment_of(info, context), context)["plugins"])
        if acquisition_disabled(os.environ):
            found = [p for p in found if plugin_available(p, os.environ)]
        return found

    def GetRequiredPackages(
        self, request: language_pb2.GetRequiredPackagesRequest, context: grpc.ServicerContext
    ) -> language_pb2.GetRequiredPackagesResponse:
        return language_pb2.GetRequiredPackagesResponse(packages=self._required(request.info, context))

    def GetRequiredPlugins(
        self, request: language_pb2.GetRequiredPluginsRequest, context: grpc.ServicerContext
    ) -> language_pb2.GetRequiredPluginsResponse:
        return language_pb2.GetRequiredPluginsResponse(plugins=self._required(request.info, context))

    def Run(self, request: language_pb2.RunRequest, context: grpc.ServicerContext) -> language_pb2.RunResponse:
        if request.attach_debugger:
            _unsupported(context, "attaching a debugger")
        info = request.info
        program_dir = info.program_directory or request.pwd
        try:
            env = python_environment(Path(info.root_directory or program_dir), options_of(info), os.environ)
            typechecker = options_of(info).get("typechecker")
            if typechecker and typechecker not in TYPECHECKERS:
                raise HostError(f"runtime option typechecker: must be mypy or pyright, got {typechecker!r}")
        except HostError as exc:
            return language_pb2.RunResponse(error=str(exc))
        environ = env.environ({**os.environ, **config_environment(request)})
        if typechecker:
            checker = shutil.which(str(typechecker), path=environ["PATH"])
            argv = [checker, program_dir] if checker else [env.python, "-m", str(typechecker), program_dir]
            code = self._finish(self._start(argv, program_dir, environ, piped=False))
            if code != 0:
                return language_pb2.RunResponse(error=f"{typechecker} found type errors in {program_dir} (exit {code})")
        argv = [env.python, "-u", str(self.exec_script), *exec_arguments(request, self.engine_address, self.tracing)]
        # The program writes to this host's stdout/stderr, which the engine shows as the program's output.
        code = self._finish(self._start(argv, program_dir, environ, piped=False))
        return run_outcome(code, info.entry_point or request.program or program_dir)

    def RunPlugin(
        self, request: language_pb2.RunPluginRequest, context: grpc.ServicerContext
    ) -> Iterator[language_pb2.RunPluginResponse]:
        if request.attach_debugger:
            _unsupported(context, "attaching a debugger")
        info = request.info
        plugin_dir = info.program_directory or request.program
        base = dict(e.split("=", 1) for e in request.env if "=" in e) if request.env else dict(os.environ)
        try:
            env = python_environment(Path(info.root_directory or plugin_dir), options_of(info), base)
        except HostError as exc:
            _abort(context, grpc.StatusCode.FAILED_PRECONDITION, str(exc))
        target = str(Path(plugin_dir) / info.entry_point) if info.entry_point not in ("", ".") else plugin_dir
        argv = [env.python, "-u", target, *request.args]
        for out in self._stream(argv, request.pwd or plugin_dir, env.environ(base), context):
            if out.exit_code is not None:
                yield language_pb2.RunPluginResponse(exitcode=out.exit_code)
            elif out.stdout:
                yield language_pb2.RunPluginResponse(stdout=out.stdout)
            else:
                yield language_pb2.RunPluginResponse(stderr=out.stderr)

    def InstallDependencies(
        self, request: language_pb2.InstallDependenciesRequest, context: grpc.ServicerContext
    ) -> Iterator[language_pb2.InstallDependenciesResponse]:
        root = Path(request.info.root_directory or request.directory)
        try:
            steps = install_steps(root, options_of(request.info), os.environ)
        except HostError as exc:
            _abort(context, grpc.StatusCode.FAILED_PRECONDITION, str(exc))
        for argv in steps:
            yield language_pb2.InstallDependenciesResponse(stdout=f"$ {' '.join(argv)}\n".encode())
            for out in self._stream(argv, str(root), os.environ, context):
                if out.exit_code is None:
                    yield language_pb2.InstallDependenciesResponse(stdout=out.stdout, stderr=out.stderr)
                elif out.exit_code != 0:
                    command = " ".join(argv)
                    _abort(context, grpc.StatusCode.INTERNAL, f"`{command}` failed in {root} (exit {out.exit_code})")

    def About(self, request: language_pb2.AboutRequest, context: grpc.ServicerContext) -> language_pb2.AboutResponse:
        env = self._environment_of(request.info, context)
        found = self._inspect(env, context)
        metadata = {"toolchain": env.toolchain, **({"virtualenv": str(env.virtualenv)} if env.virtualenv else {})}
        return language_pb2.AboutResponse(executable=found["python"], version=found["version"], metadata=metadata)

    def GetProgramDependencies(
        self, request: language_pb2.GetProgramDependenciesRequest, context: grpc.ServicerContext
    ) -> language_pb2.GetProgramDependenciesResponse:
        found = self._inspect(self._environment_of(request.info, context), context)
        deps = [language_pb2.DependencyInfo(name=n, version=v) for n, v in found["distributions"]]
        return language_pb2.GetProgramDependenciesResponse(dependencies=deps)

    def Cancel(self, request: empty_pb2.Empty, context: grpc.ServicerContext) -> empty_pb2.Empty:
        threading.Thread(target=self.stop_children, daemon=True).start()
        return empty_pb2.Empty()

    # -- code generation and templates: the official host's job ----------------------------------------

    def GenerateProgram(self, request: Any, context: grpc.ServicerContext) -> NoReturn:
        _unsupported(context, "GenerateProgram (`pulumi convert` to Python)")

    def GenerateProject(self, request: Any, context: grpc.ServicerContext) -> NoReturn:
        _unsupported(context, "GenerateProject (`pulumi convert` / `pulumi new` to Python)")

    def GeneratePackage(self, request: Any, context: grpc.ServicerContext) -> NoReturn:
        _unsupported(context, "GeneratePackage (a Python SDK for `pulumi package add` into a Python project)")

    def Pack(self, request: Any, context: grpc.ServicerContext) -> NoReturn:
        _unsupported(context, "Pack (packaging a generated Python SDK)")

    def Link(self, request: Any, context: grpc.ServicerContext) -> NoReturn:
        _unsupported(context, "Link (adding a generated SDK to a Python project)")

    def Template(self, request: Any, context: grpc.ServicerContext) -> NoReturn:
        _unsupported(context, "Template (`pulumi new` templating)")

    def RuntimeOptionsPrompts(self, request: Any, context: grpc.ServicerContext) -> NoReturn:
        _unsupported(context, "RuntimeOptionsPrompts (`pulumi new` prompts)")


def install_steps(root: Path, options: Mapping[str, Any], environ: Mapping[str, str]) -> list[list[str]]:
    """The commands that install the dependencies of the project or plugin in ``root``, in order.

    pip: create the virtualenv when it is missing, then ``pip install -r requirements.txt``; uv: ``uv sync``
    (pyproject.toml) or ``uv venv`` + ``uv pip install -r requirements.txt``; poetry: ``poetry install``.
    """
    toolchain = str(options.get("toolchain") or "pip")
    requirements = root / "requirements.txt"
    if toolchain == "poetry":
        return [[_tool("poetry", environ), "install", "--no-interaction"]]
    if toolchain == "uv":
        uv = _tool("uv", environ)
        if (root / "pyproject.toml").is_file():
            return [[uv, "sync"]]
        uv_env = str(virtualenv_path(root, options))
        return [[uv, "venv", uv_env], [uv, "pip", "install", "--python", uv_env, "-r", str(requirements)]]
    steps: list[list[str]] = []
    venv = virtualenv_path(root, options)
    if venv is not None:
        # pip writes the interpreter's path into every script it installs: through a symlinked project or
        # virtualenv that path would die with the link, so install through the real one.
        venv = venv.resolve()
        if not (venv / "bin" / "python").exists():
            steps.append([_python_on_path(environ), "-m", "venv", str(venv)])
            steps.append([str(venv / "bin" / "python"), "-m", "pip", "install", "--upgrade", "pip"])
        python = str(venv / "bin" / "python")
    else:
        python = python_environment(root, options, environ).python
    if requirements.is_file():
        steps.append([python, "-m", "pip", "install", "-r", str(requirements)])
    return steps


def _tool(name: str, environ: Mapping[str, str]) -> str:
    found = shutil.which(name, path=environ.get("PATH"))
    if found is None:
        raise HostError(f"runtime option toolchain: {name}, but `{name}` is not on PATH")
    return found


def serve(host: LanguageHost) -> grpc.Server:
    """Start the gRPC server on a free loopback port; the engine learns the port from our first stdout line."""
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=64),
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
        ],
    )
    language_pb2_grpc.add_LanguageRuntimeServicer_to_server(host, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    return server


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pulumi-language-python", description=__doc__.splitlines()[0])
    parser.add_argument("--exec-script", type=Path, required=True, help="Pulumi's pulumi-language-python-exec")
    parser.add_argument("--tracing", default=None, help="tracing endpoint, passed on to programs")
    parser.add_argument("engine_address", nargs="?", default="", help="the engine's gRPC address")
    # The engine may add logging flags (--logtostderr, -v=N) and older hosts' flags (-root, -virtualenv): ignored.
    args, _ = parser.parse_known_args(argv)
    if not args.exec_script.is_file():
        parser.error(f"--exec-script: {args.exec_script} does not exist")
    host = LanguageHost(args.engine_address, args.exec_script.resolve(), args.tracing)
    server = serve(host)
    done = threading.Event()

    def shut_down(signum: int, frame: object) -> None:
        done.set()

    signal.signal(signal.SIGINT, shut_down)
    signal.signal(signal.SIGTERM, shut_down)
    done.wait()
    host.stop_children()
    server.stop(grace=1).wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
