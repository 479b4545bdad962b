"""Failover drills: fail one target of a deployed stack and measure, from outside, how traffic moves.

A drill reads the stack's outputs, injects a fault into one target (crash,
hang, unhealthy, slow, down, flapping; on cloud stacks unhealthy and down through
``failoverkit:drillFaults`` and an engine ``up``), probes DNS (the provider's
authoritative servers, and a caching resolver) and HTTP at 10 Hz the way a user's
client would, lifts the fault, and compares the measured failover and failback
times with the worst-case budgets computed from the health-check settings
and TTL. The target is restored at the end whatever happens.

Command line::

    failoverkit drill --stack local --fault crash --chart drill.png

From Python::

    plan = DrillPlan.from_outputs(outputs, stack="local", fault="hang")
    result = execute(plan)
    result.passed, result.figures.failover_seconds, result.to_json()
"""

from failoverkit.drill._cli import add_arguments, execute, make_config_injector, run
from failoverkit.drill._config_fault import ConfigFault, DrillStack, hand_lift_commands, preflight
from failoverkit.drill._faults import (
    EndpointFault,
    FaultInjector,
    FlappingFault,
    FlappingSchedule,
    ProcessFault,
    make_injector,
    slow_delay_seconds,
)
from failoverkit.drill._observer import HttpAnswer, HttpFetcher, Observer, ResolveError, dns_resolver
from failoverkit.drill._plan import DRILL_FAULTS_KEY, DrillPlan, Endpoint, Fault
from failoverkit.drill._report import render_json, render_text, table, write_chart
from failoverkit.drill._resolver import AuthoritativeResolver, CachingResolver
from failoverkit.drill._runner import DrillResult, NullProgress, run_drill, verdict_reasons, wait_bound
from failoverkit.drill._sandbox import LocalSandbox
from failoverkit.drill._timeline import (
    DrillBudget,
    Figures,
    Sample,
    analyze,
    answer_changes,
    error_window,
    failback_budget,
    failover_budget,
    flapping_bound,
    serving,
)

__all__ = [
    "DRILL_FAULTS_KEY",
    "AuthoritativeResolver",
    "CachingResolver",
    "ConfigFault",
    "DrillBudget",
    "DrillPlan",
    "DrillResult",
    "DrillStack",
    "Endpoint",
    "EndpointFault",
    "Fault",
    "FaultInjector",
    "Figures",
    "FlappingFault",
    "FlappingSchedule",
    "HttpAnswer",
    "HttpFetcher",
    "LocalSandbox",
    "NullProgress",
    "Observer",
    "ProcessFault",
    "ResolveError",
    "Sample",
    "add_arguments",
    "analyze",
    "answer_changes",
    "dns_resolver",
    "error_window",
    "execute",
    "failback_budget",
    "failover_budget",
    "flapping_bound",
    "hand_lift_commands",
    "make_config_injector",
    "make_injector",
    "preflight",
    "render_json",
    "render_text",
    "run",
    "run_drill",
    "serving",
    "slow_delay_seconds",
    "table",
    "verdict_reasons",
    "wait_bound",
    "write_chart",
]
