"""The commands README.md and docs/ show, as tests read and check them.

Every fenced ``sh``/``bash``/``shell`` block in README.md and docs/*.md (and every ``yaml`` block holding
workflow steps with ``run:``) sits right under exactly one marker:

- ``<!-- tested: <id> -->``: a test runs the block's commands, every line of it; it gets them with
  ``doc_block("<id>")``, which is how tests/unit/test_doc_commands.py finds that the id is used;
- ``<!-- needs: <reason> -->``: the commands cannot run here, for one of the reasons in :data:`NEEDS`;
  tests/unit/test_doc_commands.py still checks what it can offline (:mod:`doc_validate`).

The workflow in docs/*.yml carries the same markers as a YAML comment on the line right above each
step's ``run:`` (``# tested: <id>`` / ``# needs: <reason>``). Commands quoted inline in prose (backticked,
starting with ``failoverkit``, ``pulumi``, ``scripts/``, ``.venv/``, ``dig`` or ``curl``) are checked offline
like ``needs:`` blocks; a test that runs one takes it with ``doc_inline(path, prefix)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]

NEEDS = {
    "cloud-credentials": "a cloud account: provider plugins (aws, gcp, azure-native, cloudflare) and credentials, "
    "which neither this machine nor CI's pull-request jobs have",
    "pulumi-cloud": "a Pulumi Cloud (or self-hosted service) organisation",
    "package-index": "a fresh environment installed from PyPI; scripts/setup makes the same one (run by the demo test)",
    "the-suite": "is the test suite, or part of it: running it from a test would run those tests again",
}
"""Why a shown command cannot run in the test suite: the only reasons a ``needs:`` marker may give."""

SHELL_LANGUAGES = ("sh", "bash", "shell")
INLINE_PREFIXES = ("failoverkit ", "pulumi ", "scripts/", ".venv/", "dig ", "curl ")
MARKER = re.compile(r"^<!--\s*(?P<kind>tested|needs):\s*(?P<value>\S+)\s*-->$")
YAML_MARKER = re.compile(r"^\s*#\s*(?P<kind>tested|needs):\s*(?P<value>\S+)\s*$")
FENCE = re.compile(r"^\s*(?P<fence>```+|~~~+)\s*(?P<lang>[\w-]*)")  # indented too: a block in a list item
INLINE = re.compile(r"(?<!`)`([^`]+)`(?!`)")


@dataclass(frozen=True)
class Block:
    """One shown piece of shell: a fenced block, or one workflow step's ``run:``."""

    path: str  # relative to the repo
    line: int  # 1-based line of the fence (or of ``run:``)
    lang: str
    text: str
    markers: tuple[tuple[str, str], ...]  # (kind, value) of each marker right above it
    matrix: tuple[tuple[str, tuple[str, ...]], ...] = ()  # a workflow job's strategy.matrix, for ${{ matrix.X }}

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"

    @property
    def commands(self) -> list[str]:
        """The block's command lines: continuation lines joined, blank and comment-only lines dropped."""
        return command_lines(self.text)


@dataclass(frozen=True)
class Inline:
    """A command quoted in prose."""

    path: str
    line: int
    text: str

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


def command_lines(text: str) -> list[str]:
    lines: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = pending + raw.strip() if pending else raw.rstrip()
        if line.endswith("\\"):
            pending = line[:-1].rstrip() + " "
            continue
        pending = ""
        if line.strip() and not line.lstrip().startswith("#"):
            lines.append(line)
    return lines


def markdown_files() -> list[Path]:
    return [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


def workflow_files() -> list[Path]:
    return sorted((REPO / "docs").glob("*.yml"))


def _is_workflow_snippet(lang: str, text: str) -> bool:
    return lang in ("yaml", "yml") and re.search(r"^\s*(- )?run:", text, re.MULTILINE) is not None


def markdown_blocks(path: Path) -> tuple[list[Block], list[Inline]]:
    """The shell blocks (and workflow snippets) of one Markdown file, and its inline commands."""
    rel = str(path.relative_to(REPO))
    lines = path.read_text().splitlines()
    blocks: list[Block] = []
    prose: list[tuple[int, str]] = []  # (line number, text) outside fences
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            prose.append((i + 1, lines[i]))
            i += 1
            continue
        fence, lang = opening["fence"], opening["lang"].lower()
        end = next((j for j in range(i + 1, len(lines)) if lines[j].strip().startswith(fence)), len(lines))
        text = "\n".join(lines[i + 1 : end])
        if lang in SHELL_LANGUAGES or _is_workflow_snippet(lang, text):
            markers: list[tuple[str, str]] = []
            above = i - 1
            while above >= 0 and not lines[above].strip():
                above -= 1
            while above >= 0 and lines[above].strip().startswith("<!--"):
                found = MARKER.match(lines[above].strip())
                markers.append((found["kind"], found["value"]) if found else ("malformed", lines[above].strip()))
                above -= 1
            matrix: tuple[tuple[str, tuple[str, ...]], ...] = ()
            if lang not in SHELL_LANGUAGES:  # a workflow snippet: its steps' run scripts
                jobs = list(_jobs(yaml.safe_load(text)))
                text = "\n".join(s["run"] for job in jobs for s in job.get("steps", []) if "run" in s)
                matrix = tuple(kv for job in jobs for kv in _matrix(job))
            blocks.append(Block(rel, i + 1, lang, text, tuple(reversed(markers)), matrix))
        prose.append((i + 1, ""))  # a fence ends any paragraph
        i = end + 1
    return blocks, _inline_commands(rel, prose)


def _inline_commands(rel: str, prose: list[tuple[int, str]]) -> list[Inline]:
    """Backticked commands in prose; a span may wrap onto the next line of its paragraph."""
    found: list[Inline] = []
    k = 0
    while k < len(prose):
        start = k
        while k < len(prose) and prose[k][1].strip():
            k += 1
        paragraph = [text for _, text in prose[start:k]]
        joined = "\n".join(paragraph)
        for match in INLINE.finditer(joined):
            span = " ".join(match.group(1).split())
            if span.startswith(INLINE_PREFIXES) and not re.match(r"^\S+ @", span):  # not `failoverkit @ git+...`
                found.append(Inline(rel, prose[start][0] + joined.count("\n", 0, match.start()), span))
        k += 1
    return found


def _jobs(node: object) -> list[dict[str, Any]]:
    """The mappings with ``steps`` in a workflow or a snippet of one."""
    if isinstance(node, dict):
        return [node] if "steps" in node else [j for v in node.values() for j in _jobs(v)]
    return []


def _matrix(job: dict[str, Any]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    matrix = (job.get("strategy") or {}).get("matrix") or {}
    return tuple((k, tuple(str(x) for x in v)) for k, v in matrix.items() if isinstance(v, list))


def _matrix_env(job: dict[str, Any], script: str) -> str:
    """``script`` with the job's ``env`` variables that stand for a matrix value (``STACK: ${{ matrix.stack }}``)
    written as that ``${{ matrix.X }}``, so ``"$STACK"`` is checked for every matrix value."""
    for name, value in (job.get("env") or {}).items():
        if isinstance(value, str) and re.fullmatch(r"\$\{\{\s*matrix\.\w+\s*\}\}", value):
            script = re.sub(r"\$(\{" + name + r"\}|" + name + r"\b)", value, script)  # no backslash: safe as a template
    return script


def workflow_steps(path: Path) -> list[Block]:
    """Each ``run:`` step of a GitHub Actions workflow, with the marker comment right above its ``run:``."""
    rel = str(path.relative_to(REPO))
    lines = path.read_text().splitlines()
    run_lines = [i for i, line in enumerate(lines) if re.match(r"^\s*(- )?run:", line)]
    steps = [
        (_matrix_env(job, s["run"]), _matrix(job))
        for job in _jobs(yaml.safe_load(path.read_text()))
        for s in job["steps"]
        if "run" in s
    ]
    assert len(steps) == len(run_lines), f"{rel}: {len(run_lines)} run: lines but {len(steps)} run steps"
    blocks = []
    for i, (script, matrix) in zip(run_lines, steps, strict=True):
        found = YAML_MARKER.match(lines[i - 1]) if i > 0 else None
        markers = ((found["kind"], found["value"]),) if found else ()
        blocks.append(Block(rel, i + 1, "workflow", script, markers, matrix))
    return blocks


def all_blocks() -> list[Block]:
    blocks = [b for path in markdown_files() for b in markdown_blocks(path)[0]]
    return blocks + [b for path in workflow_files() for b in workflow_steps(path)]


def all_inline() -> list[Inline]:
    return [c for path in markdown_files() for c in markdown_blocks(path)[1]]


def doc_block(block_id: str) -> list[str]:
    """The command lines of the block marked ``tested: <block_id>``, for the test that runs them all."""
    found = [b for b in all_blocks() if ("tested", block_id) in b.markers]
    assert len(found) == 1, f"expected one block marked tested: {block_id}, found {[b.where for b in found]}"
    return found[0].commands


def doc_inline(path: str, prefix: str) -> str:
    """The one inline command of ``path`` (e.g. "README.md") that starts with ``prefix``, for a test that runs it."""
    found = [c.text for c in all_inline() if c.path == path and c.text.startswith(prefix)]
    assert len(found) == 1, f"{path}: expected one inline command starting {prefix!r}, found {found}"
    return found[0]
