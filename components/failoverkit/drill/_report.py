"""Showing a drill: live progress while it waits, a table or JSON at the end, a PNG timeline chart.

Progress goes to stderr so ``--format json`` keeps stdout machine-readable.
The chart uses matplotlib's Agg canvas directly (no pyplot, no display, no
global state), so it works headless and from any thread.

Example::

    print_table(result, Console())
    write_chart(result, Path("drill.png"))
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from failoverkit.drill._runner import DrillResult
from failoverkit.drill._timeline import Sample


class RichProgress:
    """A rich progress bar per phase (elapsed against its bound) plus one line per event."""

    def __init__(self, console: Console) -> None:
        self._console = console
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.completed:.1f}/{task.total:.0f} s"),
            TextColumn("{task.fields[seen]}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,  # the events and the final table stay; the bars go
        )
        self._task: TaskID | None = None
        self._started = False

    def phase(self, name: str, bound_seconds: float) -> None:
        if not self._started:
            self._progress.start()
            self._started = True
        if self._task is not None:
            self._progress.stop_task(self._task)
        self._task = self._progress.add_task(name, total=bound_seconds, seen="")

    def update(self, elapsed_seconds: float, latest: Sample | None) -> None:
        if self._task is None:
            return
        seen = ""
        if latest is not None:
            seen = f"DNS→{latest.dns_target or latest.dns_answer or '-'} HTTP {latest.http_status or latest.error}"
        self._progress.update(self._task, completed=elapsed_seconds, seen=seen)

    def event(self, message: str) -> None:
        stamp = datetime.now().strftime("%H:%M:%S")
        self._progress.console.print(f"[dim]{stamp}[/] {message}", highlight=False)

    def close(self) -> None:
        if self._started:
            self._progress.stop()
            self._started = False


def _seconds(value: float | None) -> str:
    return "not seen" if value is None else f"{value:.2f} s"


def _ratio(value: float | None, budget: float) -> str:
    if value is None or budget <= 0:
        return "-"
    ratio = value / budget
    colour = "green" if ratio <= 1 else "red"
    return f"[{colour}]{ratio:.2f}[/{colour}]"


def table(result: DrillResult) -> Table:
    """Measured against budget, one row per figure."""
    f = result.figures
    plan = result.plan
    title = f"failover drill: {plan.fault.value} {plan.target.key} ({plan.stack}, {plan.hostname})"
    t = Table(title=title, title_justify="left")
    t.add_column("figure")
    t.add_column("measured", justify="right")
    t.add_column("budget", justify="right")
    t.add_column("ratio", justify="right")
    t.add_column("meaning")
    fo, fb = result.failover_budget, result.failback_budget
    t.add_row("detect", _seconds(f.detect_seconds), "", "", "DNS stops answering the target")
    t.add_row(
        "failover",
        _seconds(f.failover_seconds),
        f"{fo.seconds:.2f} s",
        _ratio(f.failover_seconds, fo.seconds),
        f"first good answer from {f.failover_to or 'a standby'}",
    )
    t.add_row("error window", f"{f.error_window_seconds:.2f} s", "", "", f"{f.failed_probes} failed probes")
    if result.restart_seconds is not None:
        t.add_row("restart", _seconds(result.restart_seconds), "", "", "crashed target accepts TCP again")
    t.add_row("failback (DNS)", _seconds(f.failback_dns_seconds), "", "", "DNS answers the target again")
    t.add_row(
        "failback",
        _seconds(f.failback_seconds),
        f"{fb.seconds:.2f} s",
        _ratio(f.failback_seconds, fb.seconds),
        "first good answer from the target",
    )
    r = result.resolver_figures
    if r is not None:
        via = "through the caching resolver"
        t.add_row(
            "failover (resolver)",
            _seconds(r.failover_seconds),
            f"{fo.seconds:.2f} s",
            _ratio(r.failover_seconds, fo.seconds),
            f"first good answer from {r.failover_to or 'a standby'} {via}",
        )
        t.add_row(
            "failback (resolver)",
            _seconds(r.failback_seconds),
            f"{fb.seconds:.2f} s",
            _ratio(r.failback_seconds, fb.seconds),
            f"first good answer from the target {via}",
        )
    if result.dns_changes_bound is not None:
        t.add_row(
            "DNS answer changes",
            str(result.dns_changes),
            str(result.dns_changes_bound),
            _ratio(float(result.dns_changes), float(result.dns_changes_bound)),
            "authoritative; the bound comes from the failure/recovery thresholds and interval",
        )
        if result.resolver_dns_changes is not None and result.resolver_dns_changes_bound is not None:
            t.add_row(
                "DNS answer changes (resolver)",
                str(result.resolver_dns_changes),
                str(result.resolver_dns_changes_bound),
                _ratio(float(result.resolver_dns_changes), float(result.resolver_dns_changes_bound)),
                "through the caching resolver",
            )
    return t


def render_text(result: DrillResult, console: Console) -> None:
    """The table, the budget formulas and the verdict."""
    console.print(table(result))
    console.print(f"failover budget: {result.failover_budget.formula} = {result.failover_budget.seconds:.2f} s")
    console.print(f"failback budget: {result.failback_budget.formula} = {result.failback_budget.seconds:.2f} s")
    if result.resolver_name is not None:
        console.print(
            f"resolver path: {result.resolver_name} (caches each answer for its TTL, {result.plan.ttl_seconds:g} s)"
        )
    console.print(f"probes: {len(result.timeline)}; target restored: {'yes' if result.restored else 'NO'}")
    if result.passed:
        console.print("[bold green]PASS[/]: failover and failback observed within budget")
    else:
        console.print("[bold red]FAIL[/]: " + "; ".join(result.reasons))


def render_json(result: DrillResult) -> str:
    return json.dumps(result.to_json(), indent=2)


def write_chart(result: DrillResult, path: Path) -> Path:
    """A PNG of which target DNS answered and which served HTTP over time, with fault marks and budget lines."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    keys = [e.key for e in result.plan.endpoints]
    rows = {key: len(keys) - i for i, key in enumerate(keys)}  # primary on top
    rows["failed"] = 0  # probes with no DNS answer or no good HTTP answer
    fig = Figure(figsize=(10, 2.2 + 0.5 * len(rows)), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    tl = result.timeline
    dns_t = [s.t for s in tl]
    dns_y = [rows.get(s.dns_target or "", 0) + 0.12 for s in tl]
    http_t = [s.t for s in tl]
    http_y = [rows.get(s.served_by or "", 0) - 0.12 if s.good else 0 - 0.12 for s in tl]
    ax.scatter(dns_t, dns_y, s=9, marker="|", color="tab:blue", label="DNS answer (authoritative)")
    if result.resolver_timeline:
        rt = result.resolver_timeline
        ry = [rows.get(s.dns_target or "", 0) + 0.28 for s in rt]
        ax.scatter([s.t for s in rt], ry, s=9, marker="|", color="tab:cyan", label="DNS answer (resolver)")
    good = [(t, y) for t, y, s in zip(http_t, http_y, tl, strict=True) if s.good]
    bad = [(t, y) for t, y, s in zip(http_t, http_y, tl, strict=True) if not s.good]
    if good:
        ax.scatter([t for t, _ in good], [y for _, y in good], s=9, color="tab:green", label="HTTP served")
    if bad:
        ax.scatter([t for t, _ in bad], [y for _, y in bad], s=12, marker="x", color="tab:red", label="HTTP failed")
    ax.axvline(0, color="black", lw=1.2)
    ax.annotate(f"{result.plan.fault.value} injected", (0, len(keys) + 0.45), fontsize=8, ha="left")
    ax.axvline(result.failover_budget.seconds, color="tab:orange", ls="--", lw=1)
    ax.annotate("failover budget", (result.failover_budget.seconds, -0.55), fontsize=8, color="tab:orange")
    if result.lifted_at is not None:
        ax.axvline(result.lifted_at, color="gray", lw=1.2)
        ax.annotate("fault lifted", (result.lifted_at, len(keys) + 0.45), fontsize=8, ha="left")
        end = result.lifted_at + result.failback_budget.seconds
        ax.axvline(end, color="tab:purple", ls="--", lw=1)
        ax.annotate("failback budget", (end, -0.55), fontsize=8, color="tab:purple")
    f = result.figures
    for value, label, origin in (
        (f.failover_seconds, "failover", 0.0),
        (f.failback_seconds, "failback", result.lifted_at),
    ):
        if value is not None and origin is not None:
            ax.axvline(origin + value, color="tab:green", ls=":", lw=1)
            ax.annotate(f"{label} {value:.2f} s", (origin + value, len(keys) + 0.2), fontsize=8, color="tab:green")
    # Shade the time the fault was in effect; leave room right of the last budget line for its label.
    fault_end = result.lifted_at if result.lifted_at is not None else (tl[-1].t if tl else 0.0)
    ax.axvspan(0, fault_end, color="tab:red", alpha=0.06, lw=0)
    right = max([s.t for s in tl] + [result.failover_budget.seconds])
    if result.lifted_at is not None:
        right = max(right, result.lifted_at + result.failback_budget.seconds)
    left = min([s.t for s in tl] + [0.0])
    ax.set_xlim(left - 0.3, right + max(1.0, 0.12 * (right - left)))
    ax.set_yticks(list(rows.values()), list(rows.keys()))
    ax.set_ylim(-0.8, len(keys) + 0.8)
    ax.set_xlabel("seconds since the fault was injected")
    verdict = "PASS" if result.passed else "FAIL"
    plan = result.plan
    ax.set_title(f"{plan.stack}: {plan.fault.value} {plan.target.key} — {verdict}", fontsize=10)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=4, fontsize=8, frameon=False)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(str(path), format="png")
    return path
