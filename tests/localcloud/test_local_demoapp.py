"""The bundled demo app: identity JSON, health path, and the fault-control contract drills rely on."""

from __future__ import annotations

import time

import httpx
import pytest
from failoverkit.demoapp import Fault, parse_fault
from localcloud_helpers import StartApp


def test_root_names_cloud_region_instance_and_host(start_app: StartApp) -> None:
    launch, record = start_app("aws-app", cloud="aws", region="us-east-1")
    r = httpx.get(f"http://{launch.address}:{launch.port}/", headers={"Host": "shop.failoverkit.test:8080"})
    assert r.status_code == 200
    body = r.json()
    assert body["cloud"] == "aws"
    assert body["region"] == "us-east-1"
    assert body["instance"].endswith(f":{record.pid}")
    assert body["host"] == "shop.failoverkit.test:8080"


def test_health_and_fault_modes(start_app: StartApp) -> None:
    launch, _ = start_app("faulty")
    base = f"http://{launch.address}:{launch.port}"
    with httpx.Client(base_url=base, timeout=5) as http:
        assert http.get("/health").status_code == 200
        assert http.get("/-/fault").json() == {"mode": "none", "delaySeconds": 0.0}

        assert http.post("/-/fault", json={"mode": "unhealthy"}).status_code == 200
        assert http.get("/health").status_code == 503
        assert http.get("/").status_code == 200  # the app still serves; only its health check fails
        assert http.get("/-/fault").json()["mode"] == "unhealthy"

        assert http.post("/-/fault", json={"mode": "slow", "delaySeconds": 0.3}).status_code == 200
        t0 = time.monotonic()
        assert http.get("/health").status_code == 200
        assert time.monotonic() - t0 >= 0.3

        assert http.post("/-/fault", json={"mode": "none"}).json() == {"mode": "none", "delaySeconds": 0.0}
        assert http.get("/health").status_code == 200


def test_bad_fault_requests_are_refused_with_a_reason(start_app: StartApp) -> None:
    launch, _ = start_app("strict")
    base = f"http://{launch.address}:{launch.port}"
    r = httpx.post(base + "/-/fault", json={"mode": "exploded"})
    assert r.status_code == 400
    assert "mode must be one of none | unhealthy | slow" in r.json()["error"]
    assert httpx.get(base + "/-/fault").json()["mode"] == "none"


def test_sigterm_stops_it_cleanly(start_app: StartApp) -> None:
    from failoverkit.localcloud import process

    launch, record = start_app("graceful")
    process.stop(record, timeout=5, pid_path=launch.pid_path)
    assert not process.is_running(record)
    assert "stopped" in launch.log_path.read_text()  # exited through the SIGTERM handler, not SIGKILL


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"mode": "slow", "delaySeconds": 2}', Fault("slow", 2.0)),
        (b'{"mode": "unhealthy"}', Fault("unhealthy", 0.0)),
        (b"", Fault("none", 0.0)),
    ],
)
def test_parse_fault(body: bytes, expected: Fault) -> None:
    assert parse_fault(body) == expected


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "body must be JSON"),
        (b"[1]", "must be a JSON object"),
        (b'{"mode": "slow", "delaySeconds": -1}', "delaySeconds must be a number"),
        (b'{"mode": "slow", "delaySeconds": true}', "delaySeconds must be a number"),
    ],
)
def test_parse_fault_rejects(body: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_fault(body)
