"""The drill's arithmetic: synthetic timelines in, exact figures out (no clock, no sockets)."""

from __future__ import annotations

import random

import pytest
from failoverkit.budget import HealthCheck
from failoverkit.budget import failback_budget as failback_model
from failoverkit.budget import failover_budget as failover_model
from failoverkit.drill import Sample, analyze, error_window, failback_budget, failover_budget, serving
from hypothesis import given, settings
from hypothesis import strategies as st

P, S = "aws-us-east-1", "gcp-europe-west1"
ADDR = {P: "127.0.66.1", S: "127.0.66.2"}


def ok(t: float, key: str) -> Sample:
    return Sample(t, ADDR[key], key, 200, key)


def dns_only(t: float, key: str, error: str = "http: ConnectError") -> Sample:
    return Sample(t, ADDR[key], key, None, None, error)


def no_dns(t: float) -> Sample:
    return Sample(t, None, None, None, None, "dns: timeout")


def crash_timeline() -> list[Sample]:
    """Primary serves until 1.0; fault at 1.05; errors until DNS moves at 2.0; lift at 4.0; primary back at 5.0."""
    samples = [ok(t / 10, P) for t in range(0, 11)]  # 0.0 .. 1.0
    samples += [dns_only(t / 10, P) for t in range(11, 20)]  # 1.1 .. 1.9 refused
    samples += [ok(t / 10, S) for t in range(20, 45)]  # 2.0 .. 4.4 standby
    samples += [dns_only(4.5, P, "http: status 503")]  # DNS already back, app not ready
    samples += [ok(t / 10, P) for t in range(46, 52)]
    return samples


def test_crash_figures_are_exact() -> None:
    f = analyze(crash_timeline(), target=P, fault_at=1.05, lifted_at=4.0)
    assert f.detect_seconds == pytest.approx(0.95)
    assert f.failover_seconds == pytest.approx(0.95)
    assert f.failover_to == S
    assert f.failed_probes == 10
    # 9 refused probes 1.1..1.9 count until 2.0, one 503 at 4.5 counts until 4.6.
    assert f.error_window_seconds == pytest.approx(1.0)
    assert f.failback_dns_seconds == pytest.approx(0.5)
    assert f.failback_seconds == pytest.approx(0.6)


def test_nothing_moved_means_no_failover_and_no_failback() -> None:
    samples = [ok(t / 10, P) for t in range(30)]
    f = analyze(samples, target=P, fault_at=0.5, lifted_at=None)
    assert f.detect_seconds is None
    assert f.failover_seconds is None
    assert f.failback_seconds is None and f.failback_dns_seconds is None
    assert f.error_window_seconds == 0 and f.failed_probes == 0


def test_standby_answers_after_lift_are_not_a_failover() -> None:
    samples = [dns_only(t / 10, P) for t in range(10, 20)] + [ok(2.0, S), ok(2.1, P)]
    f = analyze(samples, target=P, fault_at=1.0, lifted_at=1.95)
    assert f.failover_seconds is None
    assert f.detect_seconds == pytest.approx(1.0)  # DNS did move, after the lift
    assert f.failback_seconds == pytest.approx(0.15)


def test_dns_change_without_a_good_answer_is_detect_not_failover() -> None:
    samples = [ok(0.0, P), dns_only(0.3, S, "http: ReadTimeout"), ok(0.6, S)]
    f = analyze(samples, target=P, fault_at=0.1, lifted_at=None)
    assert f.detect_seconds == pytest.approx(0.2)
    assert f.failover_seconds == pytest.approx(0.5)
    assert f.error_window_seconds == pytest.approx(0.3)


def test_probes_before_the_fault_are_ignored() -> None:
    samples = [ok(0.0, S), no_dns(0.1), ok(0.2, P), ok(1.0, S)]
    f = analyze(samples, target=P, fault_at=0.5, lifted_at=None)
    assert f.detect_seconds == pytest.approx(0.5)
    assert f.failed_probes == 0


def test_http_error_status_is_an_error_even_from_the_target() -> None:
    bad = Sample(1.0, ADDR[P], P, 503, P, "http: status 503")
    assert not bad.good
    assert error_window([bad, ok(1.25, P)], start=0.0) == (pytest.approx(0.25), 1)


def test_serving_needs_consecutive_good_answers_from_the_target() -> None:
    assert serving([ok(0, P), ok(0.1, P), ok(0.2, P)], P, 3)
    assert not serving([ok(0, P), ok(0.1, S), ok(0.2, P)], P, 3)
    assert not serving([ok(0.1, P), ok(0.2, P)], P, 3)
    assert not serving([ok(0, P), ok(0.1, P), dns_only(0.2, P)], P, 3)


def test_budgets_show_their_arithmetic() -> None:
    hc = HealthCheck(interval_seconds=0.25, failure_threshold=2, timeout_seconds=0.1, recovery_threshold=3)
    fo = failover_budget(failover_model("local", hc, 1))
    assert fo.seconds == pytest.approx(0.25 * 2 + 0.1 + 1)
    assert fo.formula == "detection 0.5 + check timeout 0.1 + ttl 1"
    fb = failback_budget(failback_model("local", hc, 1), restart_seconds=None)
    assert fb.seconds == pytest.approx(0.25 * 3 + 0.1 + 1)
    fb_crash = failback_budget(failback_model("local", hc, 1), restart_seconds=0.42)
    assert fb_crash.seconds == pytest.approx(fb.seconds + 0.42)
    assert "restart 0.42" in fb_crash.formula
    assert [t.name for t in fb_crash.terms] == ["recovery", "check timeout", "ttl", "restart"]


def test_failback_budgets_follow_each_providers_model() -> None:
    """Not one formula for every provider: Traffic Manager restores on one good probe, Route 53 counts
    FailureThreshold successes plus its fixed 6 s check, and both add propagation (an estimate)."""
    hc = HealthCheck(interval_seconds=10, failure_threshold=3, timeout_seconds=5, recovery_threshold=1)
    tm = failback_budget(failback_model("traffic-manager", hc, 30), None)
    assert tm.seconds == 10 + 5 + 10 + 30
    assert tm.formula == "recovery 10 + check timeout 5 + propagation 10 (estimate) + ttl 30"
    r53 = failback_budget(failback_model("route53", HealthCheck(10, 3, 6, 3), 30), None)
    assert r53.seconds == 3 * 10 + 6 + 10 + 30
    assert [t["estimate"] for t in r53.terms_json()] == [False, False, True, False]


def test_sample_shift_and_json() -> None:
    s = Sample(10.5, "127.0.66.1", P, 200, P, None, 0.0123456).shifted(10.0)
    assert s.t == 0.5
    assert s.to_json() == {
        "t": 0.5,
        "dns_answer": "127.0.66.1",
        "dns_target": P,
        "http_status": 200,
        "served_by": P,
        "error": None,
        "latency_seconds": 0.0123,
    }


# --- properties ---

times = st.lists(st.floats(min_value=0, max_value=100, allow_nan=False), min_size=1, max_size=60, unique=True)


@settings(max_examples=150, deadline=None)
@given(ts=times, fault=st.floats(0, 100), switch=st.floats(0, 100))
def test_failover_is_first_standby_answer_at_or_after_the_fault(ts: list[float], fault: float, switch: float) -> None:
    samples = [ok(t, S) if t >= switch else ok(t, P) for t in ts]
    f = analyze(samples, target=P, fault_at=fault, lifted_at=None)
    later = sorted(t for t in ts if t >= fault and t >= switch)
    if later:
        assert f.failover_seconds == pytest.approx(later[0] - fault, abs=1e-3)
        assert f.detect_seconds == f.failover_seconds  # DNS and HTTP moved together here
        assert f.failover_seconds >= 0
    else:
        assert f.failover_seconds is None and f.detect_seconds is None
    assert f.error_window_seconds == 0


@settings(max_examples=150, deadline=None)
@given(ts=times, bad=st.lists(st.booleans(), min_size=60, max_size=60), seed=st.integers(0, 1000))
def test_error_window_is_bounded_and_order_free(ts: list[float], bad: list[bool], seed: int) -> None:
    ordered = sorted(ts)
    samples = [dns_only(t, P) if bad[i] else ok(t, P) for i, t in enumerate(ordered)]
    window, failed = error_window(samples, start=0.0)
    assert failed == sum(bad[: len(ordered)])
    assert 0 <= window <= (ordered[-1] - ordered[0]) + 1e-3
    if failed == 0:
        assert window == 0
    if failed == len(ordered):
        assert window == pytest.approx(ordered[-1] - ordered[0], abs=1e-3)
    shuffled = samples[:]
    random.Random(seed).shuffle(shuffled)
    assert error_window(shuffled, start=0.0) == (window, failed)


# Multiples of 1/8 are exact in binary, so shifting never moves a probe across a boundary by rounding.
eighths = st.integers(0, 800).map(lambda k: k / 8)
grid = st.lists(eighths, min_size=1, max_size=60, unique=True)


@settings(max_examples=100, deadline=None)
@given(ts=grid, shift=st.integers(-400, 400).map(lambda k: k / 8), fault=eighths, lift_gap=eighths)
def test_figures_do_not_depend_on_the_clock_origin(
    ts: list[float], shift: float, fault: float, lift_gap: float
) -> None:
    lift = fault + lift_gap

    def at(t: float) -> Sample:
        if fault <= t < fault + 1:
            return dns_only(t, P)
        return ok(t, S) if fault + 1 <= t < lift else ok(t, P)

    samples = [at(t) for t in ts]
    a = analyze(samples, target=P, fault_at=fault, lifted_at=lift)
    moved = [Sample(s.t + shift, s.dns_answer, s.dns_target, s.http_status, s.served_by, s.error) for s in samples]
    b = analyze(moved, target=P, fault_at=fault + shift, lifted_at=lift + shift)
    assert a == b
