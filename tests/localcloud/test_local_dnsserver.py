"""The local failover DNS server over real UDP and TCP on loopback, with an injected health checker.

The checker answers from a dict the test flips, and checks run every 20 ms, so
failover and recovery take a few hundred milliseconds at most.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import pytest
from failoverkit.budget import HealthCheck
from failoverkit.errors import ConfigError
from failoverkit.localcloud.dnsserver import (
    CheckResult,
    EndpointConfig,
    FailoverDnsServer,
    HealthBoard,
    Responder,
    ServerConfig,
    StaticRecord,
    TcpLimits,
    http_check,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from localcloud_helpers import StartApp, wait_for

HOST = "shop.failoverkit.test"
ENDPOINTS = (
    EndpointConfig(0, "aws", "us-east-1", "127.0.10.1", 8080),
    EndpointConfig(1, "gcp", "europe-west1", "127.0.10.2", 8080),
    EndpointConfig(2, "azure", "westeurope", "127.0.10.3", 8080),
)
FAST = HealthCheck(interval_seconds=0.02, failure_threshold=2, timeout_seconds=0.01, recovery_threshold=3)


def make_config(status_path: Path | None = None, records: tuple[StaticRecord, ...] = ()) -> ServerConfig:
    return ServerConfig(
        hostname=HOST,
        zone="failoverkit.test",
        ttl_seconds=7,
        listen_address="127.0.77.53",
        listen_port=0,  # any free port
        health_check=FAST,
        endpoints=ENDPOINTS,
        records=records,
        status_path=status_path,
    )


class FakeHealth:
    """The injected checker: priority -> healthy?"""

    def __init__(self) -> None:
        self.healthy = {e.priority: True for e in ENDPOINTS}

    def __call__(self, endpoint: EndpointConfig, timeout: float) -> CheckResult:
        ok = self.healthy[endpoint.priority]
        return CheckResult(ok, "HTTP 200" if ok else "HTTP 503")


class Running:
    def __init__(self, server: FailoverDnsServer, health: FakeHealth) -> None:
        self.server = server
        self.health = health
        self.where = server.address

    def query(
        self, name: str, rdtype: str = "A", *, tcp: bool = False, payload: int | None = None
    ) -> dns.message.Message:
        q = dns.message.make_query(name, rdtype, use_edns=payload is not None, payload=payload or 512)
        send = dns.query.tcp if tcp else dns.query.udp
        return send(q, self.where[0], port=self.where[1], timeout=2)

    def a(self, name: str = HOST, *, tcp: bool = False) -> str:
        answer = self.query(name, tcp=tcp).answer
        assert len(answer) == 1 and len(answer[0]) == 1
        return str(answer[0][0])

    def status(self) -> list[str]:
        txt = self.query(f"_status.{HOST}", "TXT").answer[0][0]
        return [s.decode() for s in txt.strings]


@pytest.fixture
def dns_server(tmp_path: Path) -> Iterator[Running]:
    health = FakeHealth()
    records = (
        StaticRecord(f"_acme.{HOST}", "TXT", "token with spaces", 60),
        StaticRecord("www.failoverkit.test", "CNAME", HOST, 60),
        StaticRecord("big.failoverkit.test", "TXT", "x" * 200, 60),
        *(StaticRecord("big.failoverkit.test", "TXT", f"{i:03d}" + "y" * 200, 60) for i in range(5)),
    )
    server = FailoverDnsServer(make_config(tmp_path / "status.json", records), checker=health)
    server.start()
    try:
        yield Running(server, health)
    finally:
        server.stop()


def test_answers_the_primary_with_the_configured_ttl_over_udp_and_tcp(dns_server: Running) -> None:
    for tcp in (False, True):
        response = dns_server.query(HOST, tcp=tcp)
        assert response.rcode() == dns.rcode.NOERROR
        assert response.flags & dns.flags.AA
        (rrset,) = response.answer
        assert rrset.ttl == 7
        assert [str(r) for r in rrset] == ["127.0.10.1"]
    assert dns_server.a("SHOP.FailoverKit.Test") == "127.0.10.1"  # names are case-insensitive


def test_fails_over_in_priority_order_and_fails_back_after_recovery(dns_server: Running) -> None:
    health = dns_server.health
    health.healthy[0] = False
    assert wait_for(lambda: dns_server.a() == "127.0.10.2", timeout=2)
    health.healthy[1] = False
    assert wait_for(lambda: dns_server.a() == "127.0.10.3", timeout=2)
    health.healthy[1] = True
    assert wait_for(lambda: dns_server.a() == "127.0.10.2", timeout=2)
    health.healthy[0] = True
    assert wait_for(lambda: dns_server.a(tcp=True) == "127.0.10.1", timeout=2)


def test_all_unhealthy_answers_the_primary_and_says_so(dns_server: Running, tmp_path: Path) -> None:
    for priority in dns_server.health.healthy:
        dns_server.health.healthy[priority] = False
    assert wait_for(lambda: dns_server.status()[-1].startswith("all-unhealthy=true"), timeout=2)
    assert dns_server.a() == "127.0.10.1"  # as Route 53 does: as if all were healthy
    # status.json follows the in-memory view a moment later (written outside the query path's lock).
    assert wait_for(lambda: json.loads((tmp_path / "status.json").read_text())["allUnhealthy"] is True, timeout=1)
    status = json.loads((tmp_path / "status.json").read_text())
    assert status["answer"] == "127.0.10.1"
    assert [t["healthy"] for t in status["targets"]] == [False, False, False]


def test_status_txt_lists_every_target_in_priority_order(dns_server: Running) -> None:
    lines = dns_server.status()
    assert len(lines) == 4
    assert lines[0].startswith("priority=0 target=aws/us-east-1 address=127.0.10.1:8080 healthy=true streak=ok")
    assert lines[1].startswith("priority=1 target=gcp/europe-west1")
    assert lines[2].startswith("priority=2 target=azure/westeurope")
    assert lines[3] == "all-unhealthy=false answer=127.0.10.1"
    assert dns_server.query(f"_status.{HOST}", "TXT").answer[0].ttl == 0


def test_nxdomain_with_soa_refused_outside_and_nodata_for_other_types(dns_server: Running) -> None:
    nx = dns_server.query("nothing.failoverkit.test")
    assert nx.rcode() == dns.rcode.NXDOMAIN
    assert nx.authority[0].rdtype == dns.rdatatype.SOA
    assert nx.authority[0][0].minimum == 7  # negative answers are cached no longer than the TTL

    refused = dns_server.query("example.com")
    assert refused.rcode() == dns.rcode.REFUSED
    assert not refused.answer

    nodata = dns_server.query(HOST, "AAAA")
    assert nodata.rcode() == dns.rcode.NOERROR
    assert not nodata.answer
    assert nodata.authority[0].rdtype == dns.rdatatype.SOA

    apex = dns_server.query("failoverkit.test", "SOA")
    assert apex.answer[0].rdtype == dns.rdatatype.SOA
    assert dns_server.query("failoverkit.test", "NS").answer[0][0].target.to_text() == "ns.failoverkit.test."


def test_static_records_from_the_zone(dns_server: Running) -> None:
    txt = dns_server.query(f"_acme.{HOST}", "TXT").answer[0]
    assert list(txt[0].strings) == [b"token with spaces"]
    cname = dns_server.query("www.failoverkit.test", "A").answer
    assert [r.rdtype for r in cname] == [dns.rdatatype.CNAME, dns.rdatatype.A]
    assert str(cname[1][0]) == "127.0.10.1"  # chased to the failover answer


def test_large_answers_set_tc_over_udp_and_come_whole_over_tcp(dns_server: Running) -> None:
    udp = dns_server.query("big.failoverkit.test", "TXT")
    assert udp.flags & dns.flags.TC
    tcp = dns_server.query("big.failoverkit.test", "TXT", tcp=True)
    assert not tcp.flags & dns.flags.TC
    assert len(tcp.answer[0]) == 6
    edns = dns_server.query("big.failoverkit.test", "TXT", payload=4096)  # a big EDNS buffer fits it all
    assert not edns.flags & dns.flags.TC and len(edns.answer[0]) == 6


def _udp_exchange(where: tuple[str, int], packet: bytes, timeout: float = 0.3) -> bytes | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        sock.sendto(packet, where)
        try:
            return sock.recv(65535)
        except TimeoutError:
            return None


def test_malformed_and_truncated_packets_are_answered_formerr_or_dropped(dns_server: Running) -> None:
    where = dns_server.where
    good = dns.message.make_query(HOST, "A").to_wire()
    garbage = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00" + b"\xff" * 20
    for packet in (good[: len(good) - 3], garbage):  # cut mid-question; nonsense labels
        reply = _udp_exchange(where, packet)
        assert reply is not None
        assert dns.rcode.from_flags(int.from_bytes(reply[2:4], "big"), 0) == dns.rcode.FORMERR
        assert reply[:2] == packet[:2]  # same id, so the client can match it
    assert _udp_exchange(where, b"\x00\x01\x02") is None  # not even a header: dropped
    assert _udp_exchange(where, b"\x12\x34\x81\x80" + good[4:]) is None  # a response, not a query: dropped

    # TCP: a frame announcing 100 bytes that stops after 10, then a reset.
    with socket.create_connection(where, timeout=1) as sock:
        sock.sendall(b"\x00\x64" + good[:10])
    # TCP: a garbage frame gets FORMERR on the same connection, which keeps working.
    with socket.create_connection(where, timeout=1) as sock:
        sock.sendall(len(garbage).to_bytes(2, "big") + garbage)
        size = int.from_bytes(sock.recv(2), "big")
        assert dns.rcode.from_flags(int.from_bytes(sock.recv(size)[2:4], "big"), 0) == dns.rcode.FORMERR
    assert dns_server.a() == "127.0.10.1"
    assert dns_server.a(tcp=True) == "127.0.10.1"


def test_status_json_is_written_on_every_change(dns_server: Running, tmp_path: Path) -> None:
    path = tmp_path / "status.json"
    first = json.loads(path.read_text())
    assert first["answer"] == "127.0.10.1" and first["allUnhealthy"] is False
    dns_server.health.healthy[0] = False
    assert wait_for(lambda: json.loads(path.read_text())["answer"] == "127.0.10.2", timeout=2)
    status = json.loads(path.read_text())
    assert status["targets"][0]["healthy"] is False
    assert status["targets"][0]["lastChange"] is not None
    assert status["targets"][0]["lastDetail"] == "HTTP 503"


# --- the health state machine, with a fake clock ---


class Clock:
    def __init__(self) -> None:
        self.t = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.t += timedelta(seconds=1)
        return self.t


def test_board_thresholds_and_change_log() -> None:
    changes: list[str] = []
    board = HealthBoard(make_config(), now=Clock(), on_change=changes.extend)
    bad, good = CheckResult(False, "timeout after 0.5 s"), CheckResult(True, "HTTP 200")
    assert board.observe(0, bad) == []  # one failure is below the threshold of 2
    assert board.answer().endpoint.priority == 0
    messages = board.observe(0, bad)
    assert messages[0].startswith("target aws/us-east-1 127.0.10.1:8080 UNHEALTHY after 2 failed checks (timeout")
    assert messages[1] == "answer 127.0.10.1 (aws/us-east-1) -> 127.0.10.2 (gcp/europe-west1)"
    assert changes == messages
    assert board.observe(0, good) == [] and board.observe(0, good) == []  # recovery threshold is 3
    assert board.observe(0, bad) == []  # a failure resets the good streak
    for _ in range(2):
        board.observe(0, good)
    assert board.answer().endpoint.priority == 1
    back = board.observe(0, good)
    assert "HEALTHY after 3 good checks" in back[0]
    assert board.answer().endpoint.priority == 0
    assert board.snapshot()["targets"][0]["lastChange"] == "2026-11-29T12:00:09.000Z"  # 1 tick at start + 8 checks


def test_board_all_unhealthy_logs_it() -> None:
    board = HealthBoard(make_config(), now=Clock())
    bad = CheckResult(False, "connection refused")
    messages: list[str] = []
    for priority in (0, 1, 2):
        for _ in range(2):
            messages += board.observe(priority, bad)
    assert board.answer().all_unhealthy
    assert board.answer().endpoint.priority == 0
    assert messages[-1].endswith("(all targets unhealthy: answering as if all were healthy)")


def test_http_check_against_the_demo_app(start_app: StartApp) -> None:
    import httpx

    launch, _ = start_app("checked")
    endpoint = EndpointConfig(0, "aws", "us-east-1", launch.address, launch.port)
    assert http_check(endpoint, 1.0) == CheckResult(True, "HTTP 200")
    base = f"http://{launch.address}:{launch.port}/-/fault"
    httpx.post(base, json={"mode": "unhealthy"})
    assert http_check(endpoint, 1.0) == CheckResult(False, "HTTP 503")
    httpx.post(base, json={"mode": "slow", "delaySeconds": 0.5})
    assert http_check(endpoint, 0.1) == CheckResult(False, "timeout after 0.1 s")
    httpx.post(base, json={"mode": "none"})
    closed = EndpointConfig(0, "aws", "us-east-1", "127.0.77.254", 1)
    assert not http_check(closed, 0.5).ok


def test_config_round_trip_and_validation() -> None:
    config = make_config(records=(StaticRecord("www.failoverkit.test", "CNAME", HOST),))
    assert ServerConfig.from_json(config.to_json()) == config
    engine_floats = json.loads(json.dumps(config.to_json()).replace('"listenPort": 0', '"listenPort": 0.0'))
    assert ServerConfig.from_json(engine_floats).listen_port == 0
    bad = {
        **config.to_json(),
        "hostname": "shop.elsewhere.test",
        "records": [{"name": "x.other", "type": "SPF", "value": "v"}],
    }
    with pytest.raises(ConfigError) as info:
        ServerConfig.from_json(bad)
    assert info.value.problems == [
        "hostname: must be inside zone 'failoverkit.test', got 'shop.elsewhere.test'",
        "records[0].type: allowed A, AAAA, CNAME, TXT, MX, SRV, CAA, got 'SPF'",
    ]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
def test_any_bytes_get_formerr_or_an_answer_or_nothing_never_an_exception(wire: bytes) -> None:
    responder = Responder(make_config(), HealthBoard(make_config(), now=Clock()))
    reply = responder.respond(wire, udp=True)
    if reply is not None:
        assert len(reply) <= 512
        assert reply[:2] == wire[:2]
        assert reply[2] & 0x80  # always a response


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1, max_value=200))
def test_every_prefix_of_a_query_is_handled(cut: int) -> None:
    responder = Responder(make_config(), HealthBoard(make_config(), now=Clock()))
    wire = dns.message.make_query(HOST, "A", use_edns=True).to_wire()
    reply = responder.respond(wire[:cut])
    if cut < 12:
        assert reply is None
    else:
        assert reply is not None
        rcode = dns.rcode.from_flags(int.from_bytes(reply[2:4], "big"), 0)
        assert rcode in (dns.rcode.FORMERR, dns.rcode.NOERROR)
        assert (rcode == dns.rcode.NOERROR) == (cut >= len(wire))


# --- the answer cache: rendered once per health state, only the id and question patched ---


def _fail(board: HealthBoard, priority: int) -> None:
    for _ in range(FAST.failure_threshold):
        board.observe(priority, CheckResult(False, "HTTP 503"))


def _a_of(reply: bytes | None) -> list[str]:
    assert reply is not None
    return [str(r) for rrset in dns.message.from_wire(reply).answer if rrset.rdtype == dns.rdatatype.A for r in rrset]


def test_a_health_change_is_answered_by_the_very_next_query() -> None:
    board = HealthBoard(make_config(records=(StaticRecord("www.failoverkit.test", "CNAME", HOST),)), now=Clock())
    responder = Responder(board.config, board)
    a = dns.message.make_query(HOST, "A").to_wire()
    www = dns.message.make_query("www.failoverkit.test", "A").to_wire()
    for _ in range(2):  # the second answer of each comes from the cache
        assert _a_of(responder.respond(a, udp=True)) == ["127.0.10.1"]
        assert _a_of(responder.respond(www, udp=True)) == ["127.0.10.1"]
    _fail(board, 0)
    assert _a_of(responder.respond(a, udp=True)) == ["127.0.10.2"]
    assert _a_of(responder.respond(www, udp=True)) == ["127.0.10.2"]  # the CNAME's chased answer too
    for _ in range(FAST.recovery_threshold):
        board.observe(0, CheckResult(True, "HTTP 200"))
    assert _a_of(responder.respond(a)) == ["127.0.10.1"]


def test_the_health_view_is_never_served_from_the_cache() -> None:
    board = HealthBoard(make_config(), now=Clock())
    responder = Responder(board.config, board)
    status = dns.message.make_query(f"_status.{HOST}", "TXT").to_wire()
    before = responder.respond(status, udp=True)
    board.observe(1, CheckResult(True, "HTTP 200"))  # no change of answer, but a longer streak
    after = responder.respond(status, udp=True)
    assert after is not None and before != after
    assert b"streak=okx1" in after


def test_queries_are_answered_while_the_health_checker_holds_the_board() -> None:
    board = HealthBoard(make_config(), now=Clock())
    responder = Responder(board.config, board)
    wire = dns.message.make_query(HOST, "A").to_wire()
    replies: list[bytes | None] = []
    with board._lock:  # as during a check's state change
        worker = threading.Thread(target=lambda: replies.append(responder.respond(wire, udp=True)))
        worker.start()
        worker.join(timeout=2)
        assert not worker.is_alive(), "the query path waited for the health checker's lock"
    assert _a_of(replies[0]) == ["127.0.10.1"]


_names = st.sampled_from(
    [HOST, f"www.{HOST}", "www.failoverkit.test", "failoverkit.test", "nothing.failoverkit.test", "example.com",
     f"_status.{HOST}", "big.failoverkit.test"]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(
    name=_names,
    rdtype=st.sampled_from(["A", "AAAA", "TXT", "SOA", "NS", "CNAME", "ANY"]),
    qid=st.integers(0, 65535),
    flips=st.lists(st.booleans(), min_size=1, max_size=40),
    warm_flips=st.lists(st.booleans(), min_size=1, max_size=40),
    payload=st.none() | st.sampled_from([512, 1232, 4096]),
    rd=st.booleans(),
    udp=st.booleans(),
)
def test_a_cached_reply_is_byte_for_byte_what_a_fresh_rendering_gives(
    name: str,
    rdtype: str,
    qid: int,
    flips: list[bool],
    warm_flips: list[bool],
    payload: int | None,
    rd: bool,
    udp: bool,
) -> None:
    records = (
        StaticRecord("www.failoverkit.test", "CNAME", HOST, 60),
        *(StaticRecord("big.failoverkit.test", "TXT", f"{i:03d}" + "y" * 200, 60) for i in range(5)),
    )
    board = HealthBoard(make_config(records=records), now=Clock())
    warm = Responder(board.config, board)

    def query(flips: list[bool]) -> dns.message.Message:
        spelled = "".join(c.upper() if f else c for c, f in zip(name, flips * len(name), strict=False))
        query = dns.message.make_query(spelled, rdtype, use_edns=payload is not None, payload=payload or 512)
        if not rd:
            query.flags &= ~dns.flags.RD
        return query

    warm.respond(query(warm_flips).to_wire(), udp=udp)  # the cache now holds this spelling's answer
    asked = query(flips)
    asked.id = qid
    spelled = asked.question[0].name.to_text(omit_final_dot=True)
    wire = asked.to_wire()
    reply = warm.respond(wire, udp=udp)
    fresh = Responder(board.config, board).respond(wire, udp=udp)
    if name != f"_status.{HOST}":  # the health view carries streak counts that move with every check
        assert reply == fresh
    assert reply is not None and reply[:2] == wire[:2]
    assert dns.message.from_wire(reply).question[0].name.to_text(omit_final_dot=True) == spelled  # 0x20 kept


# --- TCP: no client can hold the server ---


def _tcp_exchange(where: tuple[str, int], wire: bytes, timeout: float) -> bytes:
    with socket.create_connection(where, timeout=timeout) as sock:
        sock.sendall(len(wire).to_bytes(2, "big") + wire)
        size = int.from_bytes(_recv(sock, 2), "big")
        return _recv(sock, size)


def _recv(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionError(f"closed after {len(data)} of {size} bytes")
        data += chunk
    return data


def _closed_by_server(sock: socket.socket, within: float) -> bool:
    sock.settimeout(within)
    try:
        return sock.recv(1) == b""
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True


@pytest.fixture
def tcp_server(request: pytest.FixtureRequest) -> Iterator[FailoverDnsServer]:
    limits = getattr(request, "param", TcpLimits())
    server = FailoverDnsServer(make_config(), checker=FakeHealth(), tcp_limits=limits)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_two_hundred_idle_connections_cannot_lock_out_a_new_client(tcp_server: FailoverDnsServer) -> None:
    where = tcp_server.address
    good = dns.message.make_query(HOST, "A").to_wire()
    with contextlib.ExitStack() as idle:
        for i in range(200):
            sock = idle.enter_context(socket.create_connection(where, timeout=1))
            if i % 2:
                sock.sendall(b"\x00\x40" + good[:5])  # half a query, the rest never comes
        assert wait_for(lambda: tcp_server.tcp_clients == 200, timeout=5)
        started = time.monotonic()
        reply = _tcp_exchange(where, good, timeout=1)
        assert time.monotonic() - started < 1.0
        assert _a_of(reply) == ["127.0.10.1"]


@pytest.mark.parametrize("tcp_server", [TcpLimits(max_connections=4)], indirect=True)
def test_a_full_pool_evicts_the_connection_quiet_longest(tcp_server: FailoverDnsServer) -> None:
    where = tcp_server.address
    good = dns.message.make_query(HOST, "A").to_wire()
    with contextlib.ExitStack() as held:
        oldest, *others = (held.enter_context(socket.create_connection(where, timeout=1)) for _ in range(4))
        assert wait_for(lambda: tcp_server.tcp_clients == 4, timeout=2)
        for sock in others:  # these three answered a query: more recently active than the oldest
            sock.sendall(len(good).to_bytes(2, "big") + good)
            _recv(sock, int.from_bytes(_recv(sock, 2), "big"))
        assert _a_of(_tcp_exchange(where, good, timeout=1)) == ["127.0.10.1"]
        assert _closed_by_server(oldest, within=1)
        assert not any(_closed_by_server(sock, within=0.05) for sock in others)


@pytest.mark.parametrize("tcp_server", [TcpLimits(first_query_seconds=0.3, idle_seconds=3)], indirect=True)
def test_silent_and_half_sent_connections_time_out_sooner_than_answered_ones(tcp_server: FailoverDnsServer) -> None:
    where = tcp_server.address
    good = dns.message.make_query(HOST, "A").to_wire()
    with (
        socket.create_connection(where, timeout=1) as silent,
        socket.create_connection(where, timeout=1) as half,
        socket.create_connection(where, timeout=1) as answered,
    ):
        half.sendall(b"\x00\x40" + good[:5])
        answered.sendall(len(good).to_bytes(2, "big") + good)
        _recv(answered, int.from_bytes(_recv(answered, 2), "big"))
        assert _closed_by_server(silent, within=1)
        assert _closed_by_server(half, within=0.3)
        assert not _closed_by_server(answered, within=0.5)  # an answered client gets the longer idle time
        assert _closed_by_server(answered, within=4)


def test_tcp_queries_pipelined_or_sent_byte_by_byte_are_all_answered(tcp_server: FailoverDnsServer) -> None:
    frames = [dns.message.make_query(name, "A", id=i) for i, name in enumerate((HOST, "www.failoverkit.test", HOST))]
    wire = b"".join(len(w).to_bytes(2, "big") + w for w in (q.to_wire() for q in frames))
    with socket.create_connection(tcp_server.address, timeout=2) as sock:
        sock.sendall(wire)  # three queries in one write
        for i, want in enumerate(frames):
            reply = dns.message.from_wire(_recv(sock, int.from_bytes(_recv(sock, 2), "big")))
            assert reply.id == i and reply.question == want.question
        for byte in wire[: 2 + len(frames[0].to_wire())]:  # the first query again, one byte per write
            sock.sendall(bytes([byte]))
        reply = dns.message.from_wire(_recv(sock, int.from_bytes(_recv(sock, 2), "big")))
        assert reply.id == 0 and [str(r) for r in reply.answer[0]] == ["127.0.10.1"]
