"""Every violation the pack reports on the corpus stays what it was before the evaluation was made fast.

``golden/verdicts.json`` holds policy, level, URN, resource type and message of every violation, in
order, for each corpus program (tests/check/programs) with the pack's defaults and with a pack config
that gives policies different settings, and for bench/bench_check.py's synthetic stack. It was written
by the evaluation that converted the stack afresh for every policy (before issue 19's item 4). After a
deliberate change of a message or verdict, rewrite it and review the diff::

    .venv/bin/python tests/check/test_verdicts_unchanged.py > tests/check/golden/verdicts.json
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from failoverkit.check import check_project, evaluate_pack, load_policy_pack

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PACK = ROOT / "policies"
GOLDEN = HERE / "golden" / "verdicts.json"
PROGRAMS = HERE / "programs"
MEANT_TO_FAIL = {"program-bug", "unanswered-data-source"}
# Settings that differ between policies, so policies of one run read the stack under different configs.
PACK_CONFIG = {
    "all": "mandatory",
    "critical-workload-multi-region": {"minRegions": 3},
    "dns-ttl-bounded": {"maxTtlSeconds": 30},
    "failover-within-rto": {"rtoSeconds": 45},
    "critical-workload-placement-known": {"criticalValues": ["critical", "high"]},
}


def _rows(violations: Any) -> list[list[str]]:
    return [[v.policy, v.enforcement_level, v.urn, v.resource_type, v.message] for v in violations]


def verdicts() -> dict[str, list[list[str]]]:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import bench_check
    finally:
        sys.path.remove(str(ROOT / "bench"))
    out: dict[str, list[list[str]]] = {}
    programs = sorted(p.name for p in PROGRAMS.iterdir() if (p / "Pulumi.yaml").is_file())
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "pack-config.json"
        config.write_text(json.dumps(PACK_CONFIG))
        for program in programs:
            if program in MEANT_TO_FAIL:
                continue
            out[f"{program}"] = _rows(check_project(PROGRAMS / program, "ci", policy_packs=[PACK]).violations)
            configured = check_project(PROGRAMS / program, "ci", policy_packs=[PACK], policy_pack_configs=[config])
            out[f"{program} (pack config)"] = _rows(configured.violations)
    resources = bench_check.synthetic_stack(200)
    out["bench synthetic stack"] = _rows(evaluate_pack(load_policy_pack(PACK), resources).violations)
    return out


def test_every_violation_is_what_it_was() -> None:
    assert verdicts() == json.loads(GOLDEN.read_text(encoding="utf-8"))


@pytest.mark.parametrize("program", ["tricloud-shuffled", "multicloud-unrelated-failover", "aws-eks-kubernetes"])
def test_one_conversion_for_all_policies_gives_what_a_conversion_each_gives(program: str) -> None:
    # The SDK converts the stack for each policy (isolated); check converts it once for all. A pack loaded
    # afresh for each run: nothing carries over from one to the other.
    resources = check_project(PROGRAMS / program, "ci").resources
    shared = evaluate_pack(load_policy_pack(PACK), resources, stack_urn=resources[0].urn)
    isolated = evaluate_pack(load_policy_pack(PACK), resources, stack_urn=resources[0].urn, isolated=True)
    assert shared.violations
    assert _rows(shared.violations) == _rows(isolated.violations)
    assert shared.not_applicable == isolated.not_applicable


if __name__ == "__main__":
    json.dump(verdicts(), sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
