"""Every command README.md and docs/ show is run by a test, or has a reason it cannot be and is checked offline.

The markers and their grammar are in tests/doc_commands.py; the offline checks in tests/doc_validate.py.
Failures name the file and line of each block or inline command at fault.
"""

from __future__ import annotations

import ast
from pathlib import Path

from doc_commands import NEEDS, REPO, Block, all_blocks, all_inline
from doc_validate import Checker

WORKFLOW_HINT = " (in a workflow: a '# tested: <id>' or '# needs: <reason>' line right above run:)"


def _markers_problems(blocks: list[Block]) -> list[str]:
    problems = []
    for block in blocks:
        if len(block.markers) != 1:
            problems.append(
                f"{block.where}: {block.lang} block has {len(block.markers)} markers {list(block.markers)}; "
                'put exactly one right above it: <!-- tested: <id> --> (a test runs it with doc_block("<id>")) '
                f"or <!-- needs: <reason> --> with a reason from {sorted(NEEDS)}"
                + (WORKFLOW_HINT if block.lang == "workflow" else "")
            )
            continue
        kind, value = block.markers[0]
        if kind == "needs" and value not in NEEDS:
            problems.append(f"{block.where}: needs: {value!r} is not one of {sorted(NEEDS)}")
        elif kind not in ("tested", "needs"):
            problems.append(f"{block.where}: malformed marker {value!r}")
    return problems


def test_every_shell_block_carries_exactly_one_marker() -> None:
    blocks = all_blocks()
    assert len(blocks) >= 15, [b.where for b in blocks]  # the finder still finds README's and docs' blocks
    problems = _markers_problems(blocks)
    assert not problems, "\n".join(problems)


def test_the_marker_check_names_file_and_line() -> None:
    bare = Block("docs/new.md", 12, "sh", "failoverkit check . --stack local", ())
    two = Block("docs/new.md", 30, "sh", "pulumi up", (("tested", "a"), ("needs", "pulumi-cloud")))
    odd = Block("docs/new.md", 40, "sh", "pulumi up", (("needs", "a-laptop"),))
    problems = _markers_problems([bare, two, odd])
    assert [p.split(": ", 1)[0] for p in problems] == ["docs/new.md:12", "docs/new.md:30", "docs/new.md:40"]
    assert "has 0 markers" in problems[0] and "has 2 markers" in problems[1]
    assert "'a-laptop' is not one of" in problems[2]


def _ids_used_by_tests() -> dict[str, list[str]]:
    used: dict[str, list[str]] = {}
    for path in sorted((REPO / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "doc_block"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                used.setdefault(node.args[0].value, []).append(str(path.relative_to(REPO)))
    return used


def test_every_tested_block_is_run_by_a_test() -> None:
    ids: dict[str, list[str]] = {}
    for block in all_blocks():
        for kind, value in block.markers:
            if kind == "tested":
                ids.setdefault(value, []).append(block.where)
    used = _ids_used_by_tests()
    duplicated = {i: w for i, w in ids.items() if len(w) > 1}
    assert not duplicated, f"a tested: id marks one block only: {duplicated}"
    unused = [f"{w[0]}: tested: {i} but no test calls doc_block({i!r})" for i, w in ids.items() if i not in used]
    assert not unused, "\n".join(unused)
    unknown = {i: files for i, files in used.items() if i not in ids}
    assert not unknown, f"tests run blocks no doc marks: {unknown}"


def test_needs_blocks_hold_what_can_be_checked_offline() -> None:
    problems: list[str] = []
    checked = 0
    for block in all_blocks():
        if block.markers and block.markers[0][0] == "needs":
            checker = Checker(block.where)
            problems += checker.check_lines(block.commands, dict(block.matrix))
            checked += 1
    assert checked >= 5
    assert not problems, "\n".join(problems)


def test_inline_commands_hold_what_can_be_checked_offline() -> None:
    inline = all_inline()
    assert any(c.text.startswith("failoverkit check") for c in inline), inline
    problems = [p for c in inline for p in Checker(c.where, inline=True).check_lines([c.text])]
    assert not problems, "\n".join(problems)


def test_the_offline_checks_catch_what_they_claim() -> None:
    bad = [
        "failoverkit check . --stack aws-gpc --policy-pack policies",  # no such stack
        "failoverkit check . --stack aws-gcp --policy-pack polices",  # no such pack
        "failoverkit drill --stack local --fault melt",  # not a fault the CLI knows
        "pulumi preview --stack aws-gcp --polcy-pack policies",  # no such flag
        "pulumi stak init dev",  # no such subcommand
        "cd examples/shop-with-database && pulumi stack init prod",  # no Pulumi.prod.yaml there
        ".venv/bin/pytest tests/nowhere",
    ]
    for line in bad:
        assert Checker("x.md:1").check_lines([line]), f"not caught: {line}"
    good = [
        "failoverkit drill --stack local --fault hang|unhealthy|slow",
        "cd examples/shop-with-database && pulumi stack init dev && pulumi preview --policy-pack ../../policies",
        "pulumi up -s <stack>",
    ]
    for line in good:
        assert Checker("x.md:1").check_lines([line]) == [], line


def test_the_bench_block_shows_every_benchmark() -> None:
    (block,) = [b for b in all_blocks() if ("tested", "bench") in b.markers]
    shown = {line.split()[1] for line in block.commands}
    assert shown == {f"bench/{p.name}" for p in sorted(Path(REPO / "bench").glob("bench_*.py"))}
