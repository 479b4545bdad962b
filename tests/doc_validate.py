"""What can be checked offline about a shown command that cannot run here (see doc_commands).

- ``failoverkit ...`` (any path to it, or ``python -m failoverkit.check``) parses with the CLI's own argparse;
- ``pulumi ...`` names a subcommand and flags the pinned engine has (its ``--help``, one run per subcommand);
- the paths, policy packs, pack configs and stacks a command names exist, relative to the directory the
  block's ``cd`` lines lead to; placeholders (``<org>``, ``NAME``, ``...``) and :data:`USER_FILES` are not
  looked up. ``a|b|c`` in a word stands for each of its alternatives.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import itertools
import os
import re
import shlex
import subprocess
from collections.abc import Iterator
from pathlib import Path

import yaml
from doc_commands import REPO

USER_FILES = {
    "policy-config.json": "the user's pack config, whose form docs/policies.md (Configuration) shows",
}
"""Files a shown command reads that the user writes, so the repo has none."""

OPERATORS = {"&&", "||", ";", "|"}
PLACEHOLDER = re.compile(r"<[^>]*>|\.\.\.|…|\$\{\{|^[A-Z][A-Z0-9_]*(=[A-Z][A-Z0-9_]*)?$")
PULUMI_PATH_FLAGS = ("--policy-pack", "--policy-pack-config")


def _rel(path: Path) -> str:
    return os.path.relpath(path, REPO)


def is_placeholder(word: str) -> bool:
    return PLACEHOLDER.search(word) is not None


def _alternatives(tokens: list[str]) -> Iterator[list[str]]:
    """``--fault hang|unhealthy|slow`` -> one command per fault."""
    choices = [t.split("|") if "|" in t and not t.startswith("|") else [t] for t in tokens]
    for combo in itertools.product(*choices):
        yield list(combo)


def _expand_matrix(line: str, matrix: dict[str, tuple[str, ...]]) -> list[str]:
    names = re.findall(r"\$\{\{\s*matrix\.(\w+)\s*\}\}", line)
    if not names:
        return [line]
    out = [line]
    for name in dict.fromkeys(names):
        pattern = re.compile(r"\$\{\{\s*matrix\." + name + r"\s*\}\}")
        out = [pattern.sub(value, text) for text in out for value in matrix.get(name, ("<matrix>",))]
    return out


def simple_commands(line: str) -> list[list[str]]:
    """A shell line as its simple commands' words (split at && || ; |), comments dropped."""
    words = shlex.split(line, comments=True)
    commands: list[list[str]] = [[]]
    for word in words:
        if word in OPERATORS:
            commands.append([])
        elif word.endswith(";") and len(word) > 1:
            commands[-1].append(word[:-1])
            commands.append([])
        else:
            commands[-1].append(word)
    return [c for c in commands if c]


class Checker:
    """Checks one block's commands in order, following its ``cd`` lines."""

    def __init__(self, where: str, *, inline: bool = False) -> None:
        self.where = where
        self.inline = inline  # prose may name a command without its arguments: `failoverkit drill`
        self.cwd = REPO
        self.problems: list[str] = []

    def problem(self, command: str, text: str) -> None:
        self.problems.append(f"{self.where}: `{command}`: {text}")

    def exists(self, command: str, what: str, value: str, *, directory: bool = False) -> Path | None:
        if is_placeholder(value) or value in USER_FILES or value.startswith(("$", "/")):
            return None
        path = (self.cwd / value).resolve()
        if not (path.is_dir() if directory else path.exists()):
            kind = "directory" if directory else "path"
            self.problem(command, f"{what} {value!r}: no such {kind} {_rel(path)}")
            return None
        return path

    def stack(self, command: str, project: Path, stack: str) -> None:
        if is_placeholder(stack):
            return
        manifest = project / "Pulumi.yaml"
        if not manifest.is_file():
            self.problem(command, f"no Pulumi project (Pulumi.yaml) in {_rel(project)}")
            return
        stack_dir = project / str((yaml.safe_load(manifest.read_text()) or {}).get("stackConfigDir") or ".")
        name = stack.rsplit("/", 1)[-1]
        if not (stack_dir / f"Pulumi.{name}.yaml").is_file():
            known = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in stack_dir.glob("Pulumi.*.yaml"))
            self.problem(command, f"stack {stack!r} has no {_rel(stack_dir)}/Pulumi.{name}.yaml ({known})")

    def check_lines(self, lines: list[str], matrix: dict[str, tuple[str, ...]] | None = None) -> list[str]:
        for line in lines:
            for expanded in _expand_matrix(line, matrix or {}):
                try:
                    commands = simple_commands(expanded)
                except ValueError as exc:
                    self.problem(expanded, f"not a shell line: {exc}")
                    continue
                for words in commands:
                    for variant in _alternatives(words):
                        self.check(variant)
        return self.problems

    def check(self, words: list[str]) -> None:
        while words and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
            words = words[1:]  # VAR=value before the command
        if not words:
            return
        command = " ".join(words)
        head, args = words[0], words[1:]
        name = head.rsplit("/", 1)[-1]
        if "/" in head and not is_placeholder(head) and not (self.cwd / head).exists():
            self.problem(command, f"{head}: no such file")
        if head == "cd":
            if args and (path := self.exists(command, "cd", args[0], directory=True)):
                self.cwd = path
        elif name == "failoverkit":
            self.failoverkit(command, args)
        elif name.startswith("python") and args[:2] == ["-m", "failoverkit.check"]:
            self.failoverkit(command, ["check", *args[2:]])
        elif name.startswith("python") and args[:2] == ["-m", "venv"]:
            if len(args) > 2:
                self.exists(command, "venv parent", str(Path(args[2]).parent), directory=True)
        elif name.startswith("python") and args and args[0].endswith(".py"):
            self.exists(command, "script", args[0])
        elif name == "pip" and args[:1] == ["install"]:
            for flag, value in itertools.pairwise(args):
                if flag in ("-r", "-e", "-c"):
                    self.exists(command, flag, value)
        elif name == "pytest":
            for arg in args:
                if not arg.startswith("-"):
                    self.exists(command, "test path", arg.split("::", 1)[0])
        elif name == "pulumi":
            self.pulumi(command, args)

    def failoverkit(self, command: str, args: list[str]) -> None:
        from failoverkit.cli import build_parser

        parser = build_parser()
        if self.inline and (len(args) == 1 or (len(args) == 2 and args[1].startswith("--"))):
            # prose naming a command (`failoverkit drill`) or one of its options (`failoverkit preview --policy-pack`)
            commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
            if args[0] not in commands:
                self.problem(command, f"failoverkit has no command {args[0]!r} ({sorted(commands)})")
            elif args[1:] and args[1] not in commands[args[0]]._option_string_actions:
                self.problem(command, f"failoverkit {args[0]} has no option {args[1]}")
            return
        err = io.StringIO()
        try:
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                ns = parser.parse_args(args)
        except SystemExit:
            message = err.getvalue().strip().splitlines()
            self.problem(command, f"the CLI refuses it: {message[-1] if message else 'exit'}")
            return
        project = self.cwd
        if getattr(ns, "project_dir", None) is not None:
            found = self.exists(command, "project", str(ns.project_dir), directory=True)
            if found is None:
                return
            project = found
        for pack in getattr(ns, "policy_packs", None) or getattr(ns, "policy_pack", None) or []:
            self.exists(command, "policy pack", str(pack))
        for config in getattr(ns, "policy_pack_configs", None) or getattr(ns, "policy_pack_config", None) or []:
            self.exists(command, "policy pack config", str(config))
        self.stack(command, project, ns.stack)

    def pulumi(self, command: str, args: list[str]) -> None:
        leading = list(itertools.takewhile(lambda a: not a.startswith("-"), args))
        path, has_subcommands, flags = pulumi_help(tuple(leading))
        positional = leading[len(path) :]
        if has_subcommands and positional:
            self.problem(command, f"pulumi {' '.join(path)} has no subcommand {positional[0]!r}")
            return
        values: dict[str, str] = {}
        for i, arg in enumerate(args):
            if not arg.startswith("-") or arg == "-":
                continue
            flag, _, inline_value = arg.partition("=")
            if flag not in flags:
                self.problem(command, f"pulumi {' '.join(path)} has no flag {flag}")
            elif flags[flag] and (inline_value or i + 1 < len(args)):
                values[flag] = inline_value or args[i + 1]
        for flag in PULUMI_PATH_FLAGS:
            if flag in values:
                self.exists(command, flag, values[flag])
        if path[:1] == ["policy"] and "--config" in values:
            self.exists(command, "--config", values["--config"])
        if path[:1] == ["package"] and path[1:2] in (["add"], ["get-schema"]) and positional:
            self.exists(command, "package", positional[0])
        stack = values.get("--stack") or values.get("-s")
        if stack is None and path[:1] == ["stack"] and path[1:2] in (["new"], ["select"]) and positional:
            stack = positional[0]
        if stack is not None:
            self.stack(command, self.cwd, stack)


@functools.cache
def _pulumi() -> str:
    from failoverkit.engine import find_engine

    return str(find_engine() / "bin" / "pulumi")


@functools.cache
def pulumi_help(words: tuple[str, ...]) -> tuple[list[str], bool, dict[str, bool]]:
    """(subcommand path, whether it has subcommands, {flag: takes a value}) from ``pulumi WORDS --help``.

    Cobra shows the deepest command the words name, so the Usage line says how many of them are
    subcommands (by canonical name: ``stack init`` shows as ``stack new``, one word each).
    """
    done = subprocess.run(
        [_pulumi(), *words, "--help"], capture_output=True, text=True, timeout=30, check=False, stdin=subprocess.DEVNULL
    )
    text = done.stdout
    assert "Usage:" in text, f"pulumi {' '.join(words)} --help printed no usage: {done.stderr.strip()[-500:]}"
    usage = text.split("Usage:", 1)[1].strip().splitlines()
    canonical = usage[0].split()[1:]
    depth = len(list(itertools.takewhile(lambda w: re.fullmatch(r"[a-z][a-z0-9-]*", w), canonical)))
    has_subcommands = any(u.strip().endswith("[command]") for u in usage[:3])
    flags: dict[str, bool] = {}
    for match in re.finditer(r"^\s+(?:(-\w), )?(--[\w-]+)(?: (\w+))?", text, re.MULTILINE):
        short, long, kind = match.groups()
        takes_value = kind is not None
        flags[long] = takes_value
        if short:
            flags[short] = takes_value
    return canonical[:depth], has_subcommands, flags
