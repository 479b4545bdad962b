"""What a drill saw and what it means: samples in, measured figures out.

Pure functions only (no clock, no I/O), so every figure can be checked
against a hand-made timeline. Times are seconds on the drill's clock; the
analysis is given the instants the fault was injected and lifted.

Definitions (each figure is ``None`` when the drill never saw the event):

- **detect**: first probe after the fault whose DNS answer names another target.
- **failover**: first good HTTP answer served by another target, before the fault is lifted.
- **error window**: total time of failed probes after the fault (no DNS answer,
  no HTTP answer, or an HTTP error status); a failed probe counts until the next probe.
- **failback (DNS)**: first probe after the lift whose DNS answer names the target again.
- **failback**: first good HTTP answer served by the target after the lift.

Example::

    >>> s = [Sample(0.0, "127.0.10.1", "aws-us-east-1", 200, "aws-us-east-1"),
    ...      Sample(1.0, "127.0.10.2", "gcp-europe-west1", 200, "gcp-europe-west1")]
    >>> analyze(s, target="aws-us-east-1", fault_at=0.5, lifted_at=None).failover_seconds
    0.5
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from failoverkit.budget import Budget, HealthCheck, Term


@dataclass(frozen=True)
class Sample:
    """One probe: resolve the shared hostname, then fetch ``/`` from the answer with the shared Host header."""

    t: float
    """When the probe started, on the drill's clock (seconds)."""
    dns_answer: str | None
    """The address DNS answered, or None (no answer, timeout, error)."""
    dns_target: str | None
    """Key of the target that address belongs to (None when unknown)."""
    http_status: int | None
    """Status of the HTTP answer, or None when none came."""
    served_by: str | None
    """Key of the target that served the HTTP answer (from its JSON body, else from the address)."""
    error: str | None = None
    """Why the probe failed, e.g. ``dns: timeout`` or ``http: ConnectError``."""
    latency_seconds: float = 0.0
    """How long the whole probe took."""

    @property
    def good(self) -> bool:
        """A user would have been served: an HTTP answer below 400 and no error."""
        return self.error is None and self.http_status is not None and 200 <= self.http_status < 400

    def shifted(self, origin: float) -> Sample:
        """The same sample with ``t`` relative to ``origin`` (e.g. the fault's injection)."""
        return Sample(
            round(self.t - origin, 4),
            self.dns_answer,
            self.dns_target,
            self.http_status,
            self.served_by,
            self.error,
            self.latency_seconds,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "t": self.t,
            "dns_answer": self.dns_answer,
            "dns_target": self.dns_target,
            "http_status": self.http_status,
            "served_by": self.served_by,
            "error": self.error,
            "latency_seconds": round(self.latency_seconds, 4),
        }


@dataclass(frozen=True)
class Figures:
    """Measured seconds, each relative to the fault's injection (failover side) or lift (failback side)."""

    detect_seconds: float | None
    failover_seconds: float | None
    failover_to: str | None
    """Key of the standby that served the first good answer after the fault."""
    error_window_seconds: float
    failed_probes: int
    failback_dns_seconds: float | None
    failback_seconds: float | None


def _first(samples: Iterable[Sample], start: float, end: float | None, want: Any) -> Sample | None:
    for s in samples:
        if s.t >= start and (end is None or s.t < end) and want(s):
            return s
    return None


def _since(sample: Sample | None, origin: float) -> float | None:
    return None if sample is None else round(sample.t - origin, 4)


def error_window(samples: Sequence[Sample], start: float) -> tuple[float, int]:
    """Seconds of failed probes at or after ``start`` and how many failed.

    Each failed probe counts from its start to the next probe's start: the
    time a user would have been failing, to the resolution of the probing.
    """
    ordered = sorted((s for s in samples if s.t >= start), key=lambda s: s.t)
    total = 0.0
    failed = 0
    for i, s in enumerate(ordered):
        if s.good:
            continue
        failed += 1
        if i + 1 < len(ordered):
            total += ordered[i + 1].t - s.t
    return round(total, 4), failed


def analyze(samples: Sequence[Sample], *, target: str, fault_at: float, lifted_at: float | None) -> Figures:
    """The drill's figures from its timeline (see the module docstring for each definition)."""
    ordered = sorted(samples, key=lambda s: s.t)
    detect = _first(ordered, fault_at, None, lambda s: s.dns_target is not None and s.dns_target != target)
    failover = _first(
        ordered, fault_at, lifted_at, lambda s: s.good and s.served_by is not None and s.served_by != target
    )
    window, failed = error_window(ordered, fault_at)
    back_dns = back = None
    if lifted_at is not None:
        back_dns = _first(ordered, lifted_at, None, lambda s: s.dns_target == target)
        back = _first(ordered, lifted_at, None, lambda s: s.good and s.served_by == target)
    return Figures(
        detect_seconds=_since(detect, fault_at),
        failover_seconds=_since(failover, fault_at),
        failover_to=failover.served_by if failover else None,
        error_window_seconds=window,
        failed_probes=failed,
        failback_dns_seconds=_since(back_dns, lifted_at) if lifted_at is not None else None,
        failback_seconds=_since(back, lifted_at) if lifted_at is not None else None,
    )


def serving(samples: Sequence[Sample], target: str, count: int) -> bool:
    """The last ``count`` probes all reached ``target`` through DNS and got a good answer from it."""
    recent = sorted(samples, key=lambda s: s.t)[-count:]
    return len(recent) == count and all(s.good and s.dns_target == target and s.served_by == target for s in recent)


@dataclass(frozen=True)
class DrillBudget:
    """A worst-case bound with the formula that produced it, so a reader can redo the arithmetic."""

    seconds: float
    formula: str
    terms: tuple[Term, ...] = ()
    """The provider model's terms (each with its source; ``estimate`` marks figures no provider documents)."""

    def terms_json(self) -> list[dict[str, object]]:
        return [t.to_output() for t in self.terms]


def failover_budget(model: Budget) -> DrillBudget:
    """Worst case from the fault to resolvers serving a standby: the provider's model (``failoverkit.budget``)."""
    return DrillBudget(model.total_seconds, model.formula, model.terms)


def failback_budget(model: Budget, restart_seconds: float | None) -> DrillBudget:
    """Worst case from lifting the fault to resolvers serving the target again.

    The provider's failback model (recovery checks, a check in flight, propagation, TTL: ``failoverkit.budget``),
    plus, after a crash, the time the target took to restart and accept connections (measured, since no health
    check can pass before that).
    """
    if restart_seconds is None:
        return DrillBudget(model.total_seconds, model.formula, model.terms)
    restart = Term("restart", restart_seconds, "measured: the target's restart until it accepted connections")
    return DrillBudget(
        round(model.total_seconds + restart_seconds, 3),
        f"{model.formula} + restart {restart_seconds:.2f}",
        (*model.terms, restart),
    )


def answer_changes(samples: Sequence[Sample], start: float) -> int:
    """How many times the DNS answer moved from one target to another at or after ``start``.

    Only answered probes count (a timeout is no answer, not a change), so sampling can miss a change
    that came and went between two probes but never invents one.
    """
    answered = [s.dns_target for s in sorted(samples, key=lambda s: s.t) if s.t >= start and s.dns_target]
    return sum(1 for a, b in itertools.pairwise(answered) if a != b)


def observed_seconds(samples: Sequence[Sample], start: float) -> float:
    """The length of the window ``answer_changes`` looked at: from ``start`` to the last probe at or after it."""
    times = [s.t for s in samples if s.t >= start]
    return round(max(times) - start, 4) if times else 0.0


def flapping_bound(hc: HealthCheck, window_seconds: float, resolver_ttl_seconds: float = 0.0) -> int:
    """The most DNS answer changes a flapping target can cause in ``window_seconds``, from the thresholds.

    Derivation (the local DNS server's checker, ``localcloud/dnsserver.py``; a cloud's checker works alike):
    checks of a target start every interval ``I`` on a fixed schedule, and a check's verdict lands between
    its start and its timeout ``T`` later. A healthy target is marked unhealthy by the F-th consecutive
    failed check (``failureThreshold``) and an unhealthy one healthy again by the R-th consecutive good
    check (``recoveryThreshold``). So after a mark-down the next mark-up needs R more checks, whose
    verdicts land at least ``R*I - T`` later; after a mark-up the next mark-down needs ``F*I - T``. While
    the standbys stay healthy, each change of the answer is one such mark, and the marks alternate: N
    changes span N-1 gaps, at least ``floor((N-1)/2)`` pairs of them, each pair at least
    ``P = (F+R)*I - 2T``. Hence ``floor((N-1)/2) * P <= W`` and ``N <= 2*floor(W/P) + 2``.

    A caching resolver only replays answers it fetched from the authoritative server, each at most one TTL
    old: the answers it gives are a sample of the authoritative answers over the window reaching one TTL
    further back, so it can show no more changes than the authoritative bound over ``W + TTL``.

    Example::

        >>> flapping_bound(HealthCheck(1, 2, 0.5, 2), 16)   # P = 4 - 1 = 3 s
        12
    """
    pair = (hc.failure_threshold + hc.recovery_threshold) * hc.interval_seconds - 2 * hc.timeout_seconds
    if pair <= 0:
        raise ValueError(f"thresholds too small for a bound: (F+R)*I - 2T = {pair:g} s")
    return 2 * int((window_seconds + resolver_ttl_seconds) // pair) + 2
