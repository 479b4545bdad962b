"""The reference project through the standard `pulumi` CLI: the README's commands, run as a user runs them.

The README's standard-CLI block runs verbatim, line by line, in a sandbox copy of the repo whose local stack
has loopback addresses of its own (127.0.85.x), so a running demo stack is never touched. Between its lines
the test checks what each step must have done: the same processes and DNS server as `failoverkit up`, a
no-op second `up` and `refresh`, a clean destroy. Then the policy pack in directory form through `pulumi preview`,
and scripts/setup-engine's choice of an official `pulumi` already on PATH (stand-ins that print a version).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import dns.message
import dns.query
import dns.rdatatype
import httpx
import pytest
import yaml
from doc_commands import doc_block
from engine_support import FAILOVERKIT, Shell, make_sandbox, pulumi_env
from failoverkit.localcloud import process

pytestmark = pytest.mark.engine

ADDRESSES = ("127.0.85.1", "127.0.85.2", "127.0.85.3")
PORT = 18580
DNS_ADDRESS, DNS_PORT = "127.0.85.53", 18553
HOSTNAME = "shop.failoverkit.test"
RESOURCES = {  # what `failoverkit up --stack local` deploys (tests/engine/test_local_lifecycle.py)
    ("pulumi:pulumi:Stack", "failoverkit-local"),
    ("failoverkit:index:FailoverApp", "shop"),
    ("pulumi-python:dynamic/local:Target", "shop-aws-us-east-1"),
    ("pulumi-python:dynamic/local:Target", "shop-gcp-europe-west1"),
    ("pulumi-python:dynamic/local:Target", "shop-azure-westeurope"),
    ("pulumi-python:dynamic/local:FailoverDns", "shop-dns"),
}
ANSI = re.compile(r"\x1b\[[0-9;]*m")
VIOLATION = re.compile(r"\[(?P<level>mandatory|advisory)\] \[severity: \w+\]\s+(?P<policy>\S+)\s+\((?P<what>[^)]*)\)")


def _move_local_stack(root: Path) -> None:
    """The sandbox's local stack on addresses of its own (the committed salt stays: the dev passphrase opens it)."""
    stack_file = root / "stacks" / "Pulumi.local.yaml"
    config = yaml.safe_load(stack_file.read_text())
    cfg = config["config"]
    cfg["failoverkit:app"]["port"] = PORT
    for target, address in zip(cfg["failoverkit:targets"], ADDRESSES, strict=True):
        target["address"] = address
    cfg["failoverkit:dns"]["listen"] = f"{DNS_ADDRESS}:{DNS_PORT}"
    stack_file.write_text(yaml.safe_dump(config))


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Path]:
    root = make_sandbox(tmp_path / "repo")
    _move_local_stack(root)
    yield root
    for record in _pid_records(root):  # a failed test must not leave the stack's processes behind
        with contextlib.suppress(ProcessLookupError):
            os.kill(record.pid, signal.SIGKILL)


def _pid_records(root: Path) -> list[process.ProcessRecord]:
    state = root / ".failoverkit" / "state" / "local"
    return [r for p in state.rglob("*.pid") if (r := process.read_record(p))]


def _resolve() -> str:
    answer = dns.query.udp(dns.message.make_query(HOSTNAME, dns.rdatatype.A), DNS_ADDRESS, port=DNS_PORT, timeout=2)
    return str(answer.answer[0][0])


def _wait_for(predicate, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except Exception:  # not up yet
            pass
        time.sleep(0.1)
    return False


def _out(result: subprocess.CompletedProcess[str]) -> str:
    return ANSI.sub("", result.stdout + result.stderr)


def test_readme_standard_cli_on_the_local_stack(sandbox: Path) -> None:
    shell = Shell(sandbox, pulumi_env(sandbox))
    started: list[process.ProcessRecord] = []
    lines = doc_block("standard-cli")
    assert any(line.startswith("pulumi up -s local") for line in lines), lines
    for line in lines:
        result = shell.run(line)
        out = _out(result)
        assert result.returncode == 0, f"$ {line}\n{out}"
        if "--policy-pack policies" in line:
            assert "failoverkit@v0.1.0" in out and "[mandatory]" not in out and "[advisory]" not in out, out
            assert "+ 6 to create" in out, out
        elif line.startswith("pulumi up"):
            assert "6 created" in out, out
            records = _pid_records(sandbox)
            modules = sorted(r.argv[2] for r in records)  # <python> -m <module> ...
            assert modules == ["failoverkit.demoapp"] * 3 + ["failoverkit.localcloud.dnsserver"], records
            assert all(process.is_running(r) for r in records)
            started.extend(records)
            for address in ADDRESSES:
                assert httpx.get(f"http://{address}:{PORT}/health", timeout=2).status_code == 200
            assert _wait_for(lambda: _resolve() == ADDRESSES[0]), "DNS must answer with the primary"
            exported = shell.run("pulumi stack export -s local")
            resources = json.loads(exported.stdout)["deployment"]["resources"]
            deployed = {
                (r["type"], r["urn"].rsplit("::", 1)[-1])
                for r in resources
                if not r["type"].startswith("pulumi:providers:")
            }
            assert deployed == RESOURCES
            again = shell.run(line)
            assert again.returncode == 0 and "6 unchanged" in _out(again), _out(again)
            assert {r.pid for r in _pid_records(sandbox)} == {r.pid for r in records}, "a no-op up restarts nothing"
            # Refresh reads every target back through the dynamic providers: all running, nothing changes.
            refreshed = shell.run("pulumi refresh -s local --yes")
            assert refreshed.returncode == 0 and "6 unchanged" in _out(refreshed), _out(refreshed)
            assert {r.pid for r in _pid_records(sandbox)} == {r.pid for r in records}, "a refresh restarts nothing"
        elif "failoverkit drill" in line:
            assert "PASS: failover and failback observed within budget" in out, out
        elif line.startswith("pulumi destroy"):
            assert "6 deleted" in out, out
            assert _wait_for(lambda: not any(process.is_running(r) for r in started), timeout=5)
            assert not any(process.accepts_tcp(a, PORT) for a in ADDRESSES)
            assert not process.accepts_tcp(DNS_ADDRESS, DNS_PORT)
            assert not _pid_records(sandbox)
        elif line.startswith("pulumi stack rm"):
            stacks = sandbox / ".failoverkit" / "backend" / ".pulumi" / "stacks"
            assert not list(stacks.rglob("local.json")), "stack rm leaves no stack in the backend"
            assert (sandbox / "stacks" / "Pulumi.local.yaml").is_file(), "--preserve-config keeps the repo's file"


ONE_PROVIDER = """\
config:
  failoverkit:app: {name: shop, port: 18581, criticality: critical}
  failoverkit:hostname: shop.failoverkit.test
  failoverkit:targets:
    - {cloud: aws, region: us-east-1, simulated: true, address: 127.0.85.11}
    - {cloud: aws, region: us-west-2, simulated: true, address: 127.0.85.12}
  failoverkit:dns:
    provider: local
    zone: failoverkit.test
    ttl: 1
    listen: 127.0.85.54:18554
    healthCheck: {intervalSeconds: 1, failureThreshold: 2, timeoutSeconds: 0.5, recoveryThreshold: 2}
  failoverkit:rtoSeconds: 30
"""


def test_single_provider_preview_fails_like_failoverkit_check(sandbox: Path) -> None:
    """`pulumi preview --policy-pack policies` (directory form) and `failoverkit check` name the same violations."""
    (sandbox / "stacks" / "Pulumi.local-onecloud.yaml").write_text(ONE_PROVIDER)
    shell = Shell(sandbox, pulumi_env(sandbox))
    for line in doc_block("standard-cli")[:3]:  # the README's exports and backend
        assert shell.run(line).returncode == 0
    assert shell.run("pulumi stack init local-onecloud").returncode == 0
    preview = shell.run("pulumi preview -s local-onecloud --policy-pack policies")
    out = _out(preview)
    assert preview.returncode != 0, out
    engine = {(m["policy"], m["level"], m["what"].rpartition(": ")[2]) for m in VIOLATION.finditer(out)}
    mandatory = {policy for policy, level, _ in engine if level == "mandatory"}
    assert {"critical-workload-multi-provider"} <= mandatory, out
    assert 'Critical workload "shop" runs on 1 provider: aws' in out

    check = subprocess.run(
        [str(FAILOVERKIT), "check", str(sandbox), "--stack", "local-onecloud", "--policy-pack", "policies",
         "--format", "json"],
        cwd=sandbox, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert check.returncode == 1, check.stdout + check.stderr
    violations = json.loads(check.stdout)["violations"]
    found = {(v["policy"], v["enforcementLevel"], v["urn"].rsplit("::", 1)[-1]) for v in violations}
    assert found == engine


SETUP_ENGINE = Path(__file__).resolve().parents[2] / "scripts" / "setup-engine"
PARTS = ("pulumi-resource-pulumi-python", "pulumi-language-python", "pulumi-language-yaml")


def _official_install(root: Path, version: str, parts: tuple[str, ...] = PARTS) -> Path:
    """A stand-in for an official install: ``root/bin/pulumi`` that prints ``version``, and stub ``parts``."""
    bin_dir = root / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "pulumi").write_text(f'#!/bin/sh\n[ "$1" = version ] && echo {version}\n')
    for part in parts:
        (bin_dir / part).write_text("#!/bin/sh\nexit 0\n")
    for exe in bin_dir.iterdir():
        exe.chmod(0o755)
    return bin_dir


def _setup_engine(tmp_path: Path, bin_dir: Path) -> subprocess.CompletedProcess[str]:
    # No Go on PATH and an empty cache: a run that does not take the PATH's pulumi stops at "no Go toolchain".
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    return subprocess.run(
        [str(SETUP_ENGINE)], env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL, check=False
    )


@pytest.mark.parametrize("version", ["v3.274.1", "v3.280.0"])
def test_setup_engine_uses_an_official_pulumi_on_path_of_the_pin_or_newer(tmp_path: Path, version: str) -> None:
    bin_dir = _official_install(tmp_path / "pulumi", version)
    done = _setup_engine(tmp_path, bin_dir)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == str(tmp_path / "pulumi")
    assert f"using pulumi {version} on PATH ({tmp_path / 'pulumi'})" in done.stderr
    assert not (tmp_path / "cache").exists(), "nothing is built or cached"


@pytest.mark.parametrize(
    ("version", "parts", "why"),
    [
        ("v3.200.0", PARTS, None),  # older than the pin: not used, not mentioned
        ("v3.274.1", PARTS[:2], "pulumi v3.274.1 on PATH lacks pulumi-language-yaml; using the cached engine instead"),
    ],
)
def test_setup_engine_passes_over_an_old_or_incomplete_pulumi(
    tmp_path: Path, version: str, parts: tuple[str, ...], why: str | None
) -> None:
    done = _setup_engine(tmp_path, _official_install(tmp_path / "pulumi", version, parts))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "using pulumi" not in done.stderr
    assert "there is no Go toolchain to build it" in done.stderr
    if why:
        assert why in done.stderr
