"""The local failover DNS server: health-checks the targets over HTTP and answers for the hostname.

Run detached by the ``LocalFailoverDns`` resource as
``python -m failoverkit.localcloud.dnsserver --config <state>/dns/config.json``.
It behaves like a cloud's health-checked failover record, on loopback:

- UDP and TCP (length-prefixed) on ``listenAddress:listenPort``; wire format by dnspython.
- ``A <hostname>``: the highest-priority healthy target, TTL from config. When every target
  is unhealthy it answers as Route 53 does (as if all were healthy: the primary) and says so.
- Static records written through the zone (A, CNAME, TXT, ...) are answered too; the apex
  answers SOA and NS. Other names in the zone get NXDOMAIN (SOA in authority), other types
  of an owned name NOERROR with no data, names outside the zone REFUSED.
- Malformed queries get FORMERR (or are dropped when not even a header can be read);
  UDP answers larger than the client's payload are truncated with TC set.
- Fast path: one thread serves every socket from a selector; each distinct query is rendered
  by dnspython once per health state and repeats get only their id and question patched in
  (``Responder``). TCP clients hold no thread; quiet ones are timed out or evicted (``TcpLimits``).
- Health view: ``TXT _status.<hostname>`` returns one string per target plus
  ``all-unhealthy=...``; ``status.json`` (path in the config) is rewritten atomically on
  every state change, and every change is logged with an ISO timestamp.

The health checker and the clocks are injectable so tests need not sleep much.

Example (in-process, as the tests use it)::

    config = ServerConfig.from_json(json.loads(Path("config.json").read_text()))
    server = FailoverDnsServer(config)
    server.start()
    ...
    server.stop()
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
import selectors
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset

from failoverkit.budget import HealthCheck
from failoverkit.errors import ConfigError

log = logging.getLogger("failoverkit.dnsserver")

STATUS_LABEL = "_status"
UDP_MIN_PAYLOAD = 512
UDP_RECEIVE_BUFFER_BYTES = 4 << 20
UDP_BATCH = 64
"""Datagrams answered per wake-up before the selector looks at the TCP clients again."""
TCP_BACKLOG = 1024
"""Handshaken connections the kernel holds for accept(): a burst of new clients waits there, not in SYN retries."""
SELECT_SECONDS = 0.1
"""How long the serving thread waits for a socket before it looks at the clock and the stop flag."""
ANSWER_CACHE_ENTRIES = 4096
SUPPORTED_STATIC_TYPES = ("A", "AAAA", "CNAME", "TXT", "MX", "SRV", "CAA")


def iso(moment: datetime) -> str:
    """UTC ISO 8601 with milliseconds and a Z, e.g. ``2026-11-29T16:40:01.123Z``."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def utc_now() -> datetime:
    return datetime.now(UTC)


# --- configuration (written by the LocalFailoverDns provider; camelCase like the resource inputs) ---


@dataclass(frozen=True)
class EndpointConfig:
    """One health-checked target, in priority order (0 = primary)."""

    priority: int
    cloud: str
    region: str
    address: str
    port: int
    health_path: str = "/health"

    @property
    def placement(self) -> str:
        return f"{self.cloud}/{self.region}"

    @property
    def health_url(self) -> str:
        return f"http://{self.address}:{self.port}{self.health_path}"


@dataclass(frozen=True)
class StaticRecord:
    """A plain record written through the zone (certificate validation CNAMEs, TXT, ...)."""

    name: str
    type: str
    value: str
    ttl_seconds: int = 300


@dataclass(frozen=True)
class ServerConfig:
    """What the server answers for and how it checks health."""

    hostname: str
    zone: str
    ttl_seconds: int
    listen_address: str
    listen_port: int
    health_check: HealthCheck
    endpoints: tuple[EndpointConfig, ...]
    records: tuple[StaticRecord, ...] = ()
    status_path: Path | None = None

    def to_json(self) -> dict[str, Any]:
        hc = self.health_check
        return {
            "hostname": self.hostname,
            "zone": self.zone,
            "ttlSeconds": self.ttl_seconds,
            "listenAddress": self.listen_address,
            "listenPort": self.listen_port,
            "healthCheck": hc.to_config(),
            "endpoints": [
                {
                    "priority": e.priority,
                    "cloud": e.cloud,
                    "region": e.region,
                    "address": e.address,
                    "port": e.port,
                    "healthPath": e.health_path,
                }
                for e in self.endpoints
            ],
            "records": [
                {"name": r.name, "type": r.type, "value": r.value, "ttlSeconds": r.ttl_seconds} for r in self.records
            ],
            "statusPath": str(self.status_path) if self.status_path else None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ServerConfig:
        """Parse and validate; ConfigError names every bad key."""
        problems: list[str] = []

        def need(obj: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
            value = obj.get(key)
            if kind is int and isinstance(value, float) and value.is_integer():
                return int(value)  # numbers cross the engine as floats: 8080 arrives as 8080.0
            if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
                problems.append(f"{where}{key}: must be {getattr(kind, '__name__', kind)}, got {value!r}")
                return None
            return value

        hc_raw = data.get("healthCheck") or {}
        hc = HealthCheck(
            float(need(hc_raw, "intervalSeconds", (int, float), "healthCheck.") or 1),
            int(need(hc_raw, "failureThreshold", int, "healthCheck.") or 1),
            float(need(hc_raw, "timeoutSeconds", (int, float), "healthCheck.") or 1),
            int(need(hc_raw, "recoveryThreshold", int, "healthCheck.") or 1),
        )
        endpoints = []
        for i, raw in enumerate(data.get("endpoints") or []):
            where = f"endpoints[{i}]."
            endpoints.append(
                EndpointConfig(
                    priority=int(need(raw, "priority", int, where) or 0),
                    cloud=str(need(raw, "cloud", str, where)),
                    region=str(need(raw, "region", str, where)),
                    address=str(need(raw, "address", str, where)),
                    port=int(need(raw, "port", int, where) or 0),
                    health_path=str(raw.get("healthPath") or "/health"),
                )
            )
        if not endpoints:
            problems.append("endpoints: at least one endpoint is required")
        records = tuple(
            StaticRecord(str(r["name"]), str(r["type"]).upper(), str(r["value"]), int(float(r.get("ttlSeconds", 300))))
            for r in data.get("records") or []
        )
        status = data.get("statusPath")
        config = cls(
            hostname=str(need(data, "hostname", str, "")).rstrip(".").lower(),
            zone=str(need(data, "zone", str, "")).rstrip(".").lower(),
            ttl_seconds=int(need(data, "ttlSeconds", int, "") or 0),
            listen_address=str(need(data, "listenAddress", str, "")),
            listen_port=int(need(data, "listenPort", int, "") or 0),
            health_check=hc,
            endpoints=tuple(sorted(endpoints, key=lambda e: e.priority)),
            records=records,
            status_path=Path(status) if status else None,
        )
        if not problems:
            problems.extend(_zone_problems(config))
        if problems:
            raise ConfigError(problems)
        return config


def _zone_problems(config: ServerConfig) -> list[str]:
    problems = []
    zone = dns.name.from_text(config.zone)
    if not dns.name.from_text(config.hostname).is_subdomain(zone):
        problems.append(f"hostname: must be inside zone {config.zone!r}, got {config.hostname!r}")
    for i, record in enumerate(config.records):
        if record.type not in SUPPORTED_STATIC_TYPES:
            allowed = ", ".join(SUPPORTED_STATIC_TYPES)
            problems.append(f"records[{i}].type: allowed {allowed}, got {record.type!r}")
            continue
        if not dns.name.from_text(record.name).is_subdomain(zone):
            problems.append(f"records[{i}].name: must be inside zone {config.zone!r}, got {record.name!r}")
        try:
            _static_rdata(record)
        except (dns.exception.DNSException, ValueError) as exc:
            problems.append(f"records[{i}].value: not a valid {record.type} value ({exc}), got {record.value!r}")
    return problems


def _static_rdata(record: StaticRecord) -> dns.rdata.Rdata:
    value = record.value
    if record.type == "TXT" and not value.startswith('"'):
        value = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'  # one string, spaces kept
    if record.type == "CNAME" and not value.endswith("."):
        value += "."  # zone values are FQDNs
    return dns.rdata.from_text(dns.rdataclass.IN, record.type, value)


# --- health ---


@dataclass(frozen=True)
class CheckResult:
    """One health check's outcome; ``detail`` says why (status code, timeout, refused)."""

    ok: bool
    detail: str


HealthChecker = Callable[[EndpointConfig, float], CheckResult]
"""``checker(endpoint, timeout_seconds) -> CheckResult``; must return within about the timeout."""


def http_check(endpoint: EndpointConfig, timeout: float) -> CheckResult:
    """GET the endpoint's health URL; 2xx/3xx within ``timeout`` (in total) is healthy, as on Route 53."""
    deadline = time.monotonic() + timeout
    request = (
        f"GET {endpoint.health_path} HTTP/1.1\r\nHost: {endpoint.address}:{endpoint.port}\r\n"
        "User-Agent: failoverkit-health-check\r\nConnection: close\r\n\r\n"
    ).encode()
    try:
        with socket.create_connection((endpoint.address, endpoint.port), timeout=timeout) as sock:
            sock.sendall(request)
            data = b""
            while b"\r\n" not in data:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                sock.settimeout(remaining)
                chunk = sock.recv(1024)
                if not chunk:
                    return CheckResult(False, "connection closed before a status line")
                data += chunk
    except TimeoutError:
        return CheckResult(False, f"timeout after {timeout:g} s")
    except OSError as exc:
        return CheckResult(False, exc.strerror or type(exc).__name__)
    parts = data.split(b"\r\n", 1)[0].split()
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/") or not parts[1].isdigit():
        return CheckResult(False, "not an HTTP response")
    status = int(parts[1])
    return CheckResult(200 <= status < 400, f"HTTP {status}")


@dataclass
class EndpointHealth:
    """What the checker knows about one endpoint."""

    endpoint: EndpointConfig
    healthy: bool = True  # as on Route 53: a new health check counts as healthy until it fails
    streak_ok: bool = True
    streak: int = 0
    """Consecutive results equal to ``streak_ok``."""
    last_change: datetime | None = None
    last_detail: str = "not checked yet"
    checks: int = 0


@dataclass(frozen=True)
class Answer:
    endpoint: EndpointConfig
    all_unhealthy: bool


class HealthBoard:
    """The health state machine: thresholds in, the answer out. Pure apart from its lock; no I/O.

    ``on_change(messages)`` is called (outside the lock) after every state change. The
    answer is published as one attribute, replaced inside the lock the moment it changes,
    so the query path reads it without taking the lock the checkers hold, and the very
    next query after a change sees the new answer.
    """

    def __init__(
        self,
        config: ServerConfig,
        now: Callable[[], datetime] = utc_now,
        on_change: Callable[[list[str]], None] | None = None,
    ) -> None:
        self.config = config
        self._now = now
        self._on_change = on_change
        self._lock = threading.Lock()
        self._health = {e.priority: EndpointHealth(e) for e in config.endpoints}
        self._started = now()
        self._changed = self._started
        self._current = self._answer_locked()

    def observe(self, priority: int, result: CheckResult) -> list[str]:
        """Record one check of endpoint ``priority``; returns the state changes it caused (as log lines)."""
        hc = self.config.health_check
        with self._lock:
            before = self._current
            h = self._health[priority]
            h.checks += 1
            h.last_detail = result.detail
            if result.ok == h.streak_ok:
                h.streak += 1
            else:
                h.streak_ok, h.streak = result.ok, 1
            messages = []
            now = self._now()
            if h.healthy and not h.streak_ok and h.streak >= hc.failure_threshold:
                h.healthy, h.last_change = False, now
                messages.append(
                    f"target {h.endpoint.placement} {h.endpoint.address}:{h.endpoint.port} UNHEALTHY "
                    f"after {h.streak} failed checks ({result.detail})"
                )
            elif not h.healthy and h.streak_ok and h.streak >= hc.recovery_threshold:
                h.healthy, h.last_change = True, now
                messages.append(
                    f"target {h.endpoint.placement} {h.endpoint.address}:{h.endpoint.port} HEALTHY "
                    f"after {h.streak} good checks ({result.detail})"
                )
            after = self._answer_locked()
            if after != before:
                self._current = after
                note = " (all targets unhealthy: answering as if all were healthy)" if after.all_unhealthy else ""
                messages.append(
                    f"answer {before.endpoint.address} ({before.endpoint.placement}) -> "
                    f"{after.endpoint.address} ({after.endpoint.placement}){note}"
                )
            if messages:
                self._changed = now
        if messages and self._on_change is not None:
            self._on_change(messages)
        return messages

    def _answer_locked(self) -> Answer:
        ordered = sorted(self._health.values(), key=lambda h: h.endpoint.priority)
        for h in ordered:
            if h.healthy:
                return Answer(h.endpoint, False)
        return Answer(ordered[0].endpoint, True)

    def answer(self) -> Answer:
        """The endpoint the hostname resolves to now (lock-free: one attribute read).

        The same object until the answer changes, so callers may key caches by identity.
        """
        return self._current

    def status_strings(self) -> list[str]:
        """One TXT string per endpoint plus the ``all-unhealthy=`` summary (each well under 255 bytes)."""
        with self._lock:
            answer = self._answer_locked()
            lines = [
                f"priority={h.endpoint.priority} target={h.endpoint.placement} "
                f"address={h.endpoint.address}:{h.endpoint.port} healthy={str(h.healthy).lower()} "
                f"streak={'ok' if h.streak_ok else 'fail'}x{h.streak} "
                f"since={iso(h.last_change) if h.last_change else 'start'}"
                for h in sorted(self._health.values(), key=lambda h: h.endpoint.priority)
            ]
            lines.append(f"all-unhealthy={str(answer.all_unhealthy).lower()} answer={answer.endpoint.address}")
            return lines

    def snapshot(self) -> dict[str, Any]:
        """The status document written to ``status.json``."""
        with self._lock:
            answer = self._answer_locked()
            return {
                "hostname": self.config.hostname,
                "answer": answer.endpoint.address,
                "answerTarget": answer.endpoint.placement,
                "allUnhealthy": answer.all_unhealthy,
                "ttlSeconds": self.config.ttl_seconds,
                "started": iso(self._started),
                "updated": iso(self._changed),
                "targets": [
                    {
                        "priority": h.endpoint.priority,
                        "cloud": h.endpoint.cloud,
                        "region": h.endpoint.region,
                        "address": h.endpoint.address,
                        "port": h.endpoint.port,
                        "healthy": h.healthy,
                        "streak": h.streak,
                        "streakOk": h.streak_ok,
                        "lastChange": iso(h.last_change) if h.last_change else None,
                        "lastDetail": h.last_detail,
                        "checks": h.checks,
                    }
                    for h in sorted(self._health.values(), key=lambda h: h.endpoint.priority)
                ],
            }


class HealthMonitor:
    """Checks every endpoint every interval (one thread each) and feeds the board."""

    def __init__(
        self,
        board: HealthBoard,
        checker: HealthChecker = http_check,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.board = board
        self.checker = checker
        self.clock = clock
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for endpoint in self.board.config.endpoints:
            t = threading.Thread(target=self._run, args=(endpoint,), name=f"check-{endpoint.placement}", daemon=True)
            t.start()
            self._threads.append(t)

    def _run(self, endpoint: EndpointConfig) -> None:
        hc = self.board.config.health_check
        next_at = self.clock()
        while not self._stop.is_set():
            try:
                result = self.checker(endpoint, hc.timeout_seconds)
            except Exception as exc:  # a broken checker must not stop health checking
                result = CheckResult(False, f"checker error: {exc}")
            self.board.observe(endpoint.priority, result)
            next_at += hc.interval_seconds
            delay = next_at - self.clock()
            if delay < 0:  # fell behind (slow check): keep the rhythm, don't burst
                next_at, delay = self.clock(), 0.0
            self._stop.wait(delay)

    def stop(self) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=self.board.config.health_check.timeout_seconds + 1)


# --- answering ---


def _cacheable_name_end(wire: bytes) -> int:
    """Offset just past the question's name, or 0 when the answer cache cannot serve ``wire``.

    Served from the cache: one question, no answer or authority records, at most one
    additional record (EDNS's OPT), and a name without compression pointers; everything
    else takes the full parse.
    """
    if wire[4:12] not in _CACHEABLE_COUNTS:
        return 0
    end, size = 12, len(wire)
    while end < size:
        length = wire[end]
        if length == 0:
            return end + 1
        if length > 63:
            return 0
        end += length + 1
    return 0


_CACHEABLE_COUNTS = (b"\x00\x01\x00\x00\x00\x00\x00\x00", b"\x00\x01\x00\x00\x00\x00\x00\x01")


class Responder:
    """Turns a query's wire bytes into a response's wire bytes (or None to drop it).

    dnspython parses and renders each distinct query once per health state; the rendered
    response is kept, keyed by the query's bytes after its id (the name lowercased), and a
    repeat only gets the id and the question (the client's own spelling of the name)
    patched in. The cache belongs to one answer from the board: when the board publishes
    another, the next query starts a new cache, so a health change is seen at once.
    """

    def __init__(self, config: ServerConfig, board: HealthBoard) -> None:
        self.config = config
        self.board = board
        self.zone = dns.name.from_text(config.zone)
        self.hostname = dns.name.from_text(config.hostname)
        self.status_name = dns.name.from_text(f"{STATUS_LABEL}.{config.hostname}")
        self.ns_name = dns.name.from_text(f"ns.{config.zone}")
        ttl = config.ttl_seconds
        self.soa = dns.rrset.from_text(
            self.zone, ttl, "IN", "SOA", f"{self.ns_name} hostmaster.{config.zone}. 1 3600 600 86400 {ttl}"
        )
        self.failover = {
            e.priority: dns.rrset.from_text(self.hostname, ttl, "IN", "A", e.address) for e in config.endpoints
        }
        self.static: dict[dns.name.Name, dict[int, dns.rrset.RRset]] = {}
        self._add(dns.rrset.from_text(self.zone, 300, "IN", "NS", str(self.ns_name)))
        self._add(dns.rrset.from_text(self.ns_name, 300, "IN", "A", config.listen_address))
        for record in config.records:
            rrset = dns.rrset.RRset(dns.name.from_text(record.name), dns.rdataclass.IN, _static_rdata(record).rdtype)
            rrset.add(_static_rdata(record), record.ttl_seconds)
            self._add(rrset)
        self.owned = {self.zone, self.hostname, self.status_name, *self.static}
        self._status_key = self.status_name.to_wire()
        # Per transport (UDP answers may be truncated): the answer they were rendered for, and
        # query bytes after the id, name lowercased -> response bytes after the id, name lowercased.
        answer = board.answer()
        self._caches: dict[bool, tuple[Answer, dict[bytes, bytes]]] = {True: (answer, {}), False: (answer, {})}

    def _add(self, rrset: dns.rrset.RRset) -> None:
        by_type = self.static.setdefault(rrset.name, {})
        if rrset.rdtype in by_type:
            for rdata in rrset:
                by_type[rrset.rdtype].add(rdata, rrset.ttl)
        else:
            by_type[rrset.rdtype] = rrset

    def _exists(self, name: dns.name.Name) -> bool:
        # A name exists if it owns data or is an ancestor of a name that does (empty non-terminal).
        return any(owned.is_subdomain(name) for owned in self.owned)

    def _rrsets(self, name: dns.name.Name, rdtype: int, answer: Answer) -> list[dns.rrset.RRset]:
        if name == self.hostname and rdtype == dns.rdatatype.A:
            return [self.failover[answer.endpoint.priority]]
        if name == self.status_name and rdtype == dns.rdatatype.TXT:
            rrset = dns.rrset.RRset(name, dns.rdataclass.IN, dns.rdatatype.TXT)
            # TTL 0: the health view is never cached.
            rrset.add(dns.rdata.from_text("IN", "TXT", " ".join(f'"{s}"' for s in self.board.status_strings())), 0)
            return [rrset]
        if name == self.zone and rdtype == dns.rdatatype.SOA:
            return [self.soa]
        by_type = self.static.get(name, {})
        if rdtype == dns.rdatatype.ANY:
            return list(by_type.values())
        if rdtype in by_type:
            return [by_type[rdtype]]
        cname = by_type.get(dns.rdatatype.CNAME)
        if cname is not None:
            target = cname[0].target
            chased = self._rrsets(target, rdtype, answer) if target.is_subdomain(self.zone) and target != name else []
            return [cname, *chased]
        return []

    def respond(self, wire: bytes, *, udp: bool = False) -> bytes | None:
        """The response to ``wire``; None to drop it (no header, or the packet is itself a response).

        Over UDP the answer fits the client's payload (512 bytes, or its EDNS size), else it is
        truncated with TC set so the client retries over TCP.
        """
        if len(wire) < 12 or wire[2] & 0x80:
            return None  # not even a header, or a response: answering could loop or reflect
        answer = self.board.answer()  # read once: the cache and the rendering agree on it
        cached_for, cache = self._caches[udp]
        if cached_for is not answer:
            cache = {}
            self._caches[udp] = (answer, cache)
        key = wire[2:]
        if key.islower():  # no capital letter anywhere: the key is already folded, the question needs no patch
            hit = cache.get(key)
            if hit is not None:
                return wire[:2] + hit
        end = _cacheable_name_end(wire)
        if not end:
            return self._render(wire, udp, answer)
        name = wire[12:end]
        folded = name.lower()  # names compare case-insensitively (RFC 4343); length bytes are < 64, never letters
        key = wire[2:12] + folded + wire[end:]
        hit = cache.get(key)
        if hit is not None:
            return wire[:2] + hit[:10] + name + hit[end - 2 :]  # the client's own spelling of the name
        reply = self._render(wire, udp, answer)
        # Keep it only if the question sits where the patch puts it, and never the live health view.
        if reply[12:end] == name and folded != self._status_key:
            if len(cache) >= ANSWER_CACHE_ENTRIES:
                cache.clear()  # bounded: a flood of distinct names cannot grow it
            cache[key] = reply[2:12] + folded + reply[end:]
        return reply

    def _render(self, wire: bytes, udp: bool, answer: Answer) -> bytes:
        try:
            query = dns.message.from_wire(wire)
        except Exception:  # any parse failure: FORMERR, as RFC 1035 asks; the server keeps going
            return self._header_only(wire, dns.rcode.FORMERR)
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        response.flags &= ~dns.flags.RA
        if query.opcode() != dns.opcode.QUERY:
            response.set_rcode(dns.rcode.NOTIMP)
        elif len(query.question) != 1:
            response.set_rcode(dns.rcode.FORMERR)
        else:
            self._answer(query.question[0], response, answer)
        max_size = 65535
        if udp:
            max_size = max(UDP_MIN_PAYLOAD, min(query.payload, 65535)) if query.edns >= 0 else UDP_MIN_PAYLOAD
        # Records in zone order, not shuffled: the same query always gets the same bytes, which the cache keeps.
        return response.to_wire(max_size=max_size, prefer_truncation=True, want_shuffle=False)

    def _answer(self, question: dns.rrset.RRset, response: dns.message.Message, answer: Answer) -> None:
        name, rdtype = question.name, question.rdtype
        if question.rdclass != dns.rdataclass.IN or not name.is_subdomain(self.zone):
            response.flags &= ~dns.flags.AA
            response.set_rcode(dns.rcode.REFUSED)
            return
        if not self._exists(name):
            response.set_rcode(dns.rcode.NXDOMAIN)
            response.authority.append(self.soa)
            return
        rrsets = self._rrsets(name, rdtype, answer)
        if rrsets:
            response.answer.extend(rrsets)
        else:
            response.authority.append(self.soa)  # NOERROR, no data

    @staticmethod
    def _header_only(wire: bytes, rcode: dns.rcode.Rcode) -> bytes:
        message = dns.message.Message(id=int.from_bytes(wire[:2], "big"))
        message.flags = dns.flags.QR | (int.from_bytes(wire[2:4], "big") & dns.flags.RD)
        message.set_rcode(rcode)
        return message.to_wire()


# --- serving ---


@dataclass(frozen=True)
class TcpLimits:
    """How many TCP clients are served at once and how long a quiet one may hold its place.

    RFC 7766 (DNS Transport over TCP, section 6.1.2) warns that long server idle timeouts
    exhaust resources, and RFC 7828 notes servers typically time out idle connections after
    seconds. A client that has not completed a query gets less time than one that has, so
    idle or half-sent connections cannot pile up.
    """

    max_connections: int = 256
    """When full, a new client evicts the connection that has been quiet longest."""
    first_query_seconds: float = 2.0
    """From accepting a connection to its first complete query."""
    idle_seconds: float = 10.0
    """After an answered query: how long the connection may stay quiet."""


class _TcpClient:
    """One TCP connection: bytes received but not yet a whole query, reply bytes not yet sent."""

    __slots__ = ("events", "expires_at", "inbox", "outbox", "peer", "sock")

    def __init__(self, sock: socket.socket, peer: Any, expires_at: float) -> None:
        self.sock = sock
        self.peer = peer
        self.inbox = bytearray()
        self.outbox = bytearray()
        self.expires_at = expires_at
        self.events = selectors.EVENT_READ


class FailoverDnsServer:
    """UDP and TCP listeners plus the health monitor; ``start()`` returns once both sockets are bound.

    One thread serves every socket from a selector (no thread per TCP client, so idle
    clients cost a file descriptor, never a worker); the health checks run in their own threads.
    """

    def __init__(
        self,
        config: ServerConfig,
        checker: HealthChecker = http_check,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = utc_now,
        tcp_limits: TcpLimits = TcpLimits(),
    ) -> None:
        self.config = config
        self.board = HealthBoard(config, now=now, on_change=self._changed)
        self.monitor = HealthMonitor(self.board, checker, clock)
        self.responder = Responder(config, self.board)
        self.tcp_limits = tcp_limits
        self._clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._selector = selectors.DefaultSelector()
        self._udp: socket.socket | None = None
        self._tcp: socket.socket | None = None
        self._clients: dict[_TcpClient, None] = {}
        """Open TCP clients, the one quiet longest first (an ordered set)."""
        self._status_lock = threading.Lock()

    @property
    def address(self) -> tuple[str, int]:
        """Where it listens (the real port when the config asked for port 0)."""
        assert self._udp is not None
        host, port = self._udp.getsockname()[:2]
        return str(host), int(port)

    @property
    def tcp_clients(self) -> int:
        """How many TCP connections are open now."""
        return len(self._clients)

    def _changed(self, messages: list[str]) -> None:
        for message in messages:
            log.info(message)
        self.write_status()

    def write_status(self) -> None:
        """Rewrite status.json atomically (if the config names one)."""
        path = self.config.status_path
        if path is None:
            return
        with self._status_lock:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_text(json.dumps(self.board.snapshot(), indent=2) + "\n")
            tmp.replace(path)

    def start(self) -> None:
        address = (self.config.listen_address, self.config.listen_port)
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            udp.bind(address)
            tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            tcp.bind((address[0], udp.getsockname()[1]))  # same port for both, also when 0 was asked
            tcp.listen(TCP_BACKLOG)
        except OSError:
            udp.close()
            tcp.close()
            raise
        # Room for a burst of queries while the one serving thread is busy (the kernel caps it at rmem_max).
        udp.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, UDP_RECEIVE_BUFFER_BYTES)
        udp.setblocking(False)
        tcp.setblocking(False)
        self._udp, self._tcp = udp, tcp
        self._selector.register(udp, selectors.EVENT_READ, self._on_udp)
        self._selector.register(tcp, selectors.EVENT_READ, self._on_accept)
        self.write_status()
        self.monitor.start()
        self._thread = threading.Thread(target=self._serve, name="dns-serve", daemon=True)
        self._thread.start()
        host, port = self.address
        log.info(
            "serving %s (zone %s) on %s:%d udp+tcp; targets %s",
            self.config.hostname,
            self.config.zone,
            host,
            port,
            ", ".join(f"{e.placement}={e.address}:{e.port}" for e in self.config.endpoints),
        )

    def _serve(self) -> None:
        next_sweep = self._clock()
        while not self._stop.is_set():
            for key, events in self._selector.select(SELECT_SECONDS):
                key.data(events)
            now = self._clock()
            if now >= next_sweep:
                self._close_expired(now)
                next_sweep = now + SELECT_SECONDS

    def _on_udp(self, events: int) -> None:
        assert self._udp is not None
        recvfrom, sendto, respond = self._udp.recvfrom, self._udp.sendto, self.responder.respond
        for _ in range(UDP_BATCH):  # then back to the selector, so TCP clients get their turn
            try:
                wire, peer = recvfrom(65535)
            except OSError:
                return  # drained (or closing)
            try:
                reply = respond(wire, udp=True)
                if reply is not None:
                    sendto(reply, peer)
            except OSError:
                pass  # the reply could not be sent: UDP may drop, the client retries
            except Exception:  # one bad packet must never take the server down
                log.exception("udp query from %s failed", peer)

    def _on_accept(self, events: int) -> None:
        assert self._tcp is not None
        limits = self.tcp_limits
        while True:
            try:
                sock, peer = self._tcp.accept()
            except BlockingIOError:
                return  # no more waiting
            except OSError:  # out of file descriptors: make room, so the next turn can accept
                if self._clients:
                    self._close(next(iter(self._clients)))
                return
            if len(self._clients) >= limits.max_connections:
                self._close(next(iter(self._clients)))  # full: the one quiet longest makes room
            sock.setblocking(False)
            client = _TcpClient(sock, peer, self._clock() + limits.first_query_seconds)
            self._clients[client] = None
            self._selector.register(sock, client.events, functools.partial(self._on_tcp, client))

    def _on_tcp(self, client: _TcpClient, events: int) -> None:
        try:
            if events & selectors.EVENT_READ and not self._read(client):
                self._close(client)
                return
        except Exception:  # one bad query must never take the server down
            log.exception("tcp query from %s failed", client.peer)
            self._close(client)
            return
        self._flush(client)

    def _read(self, client: _TcpClient) -> bool:
        """Take what the client sent and answer every whole query in it; False once the client is gone."""
        try:
            data = client.sock.recv(65535)
        except BlockingIOError:
            return True
        except OSError:
            return False  # reset
        if not data:
            return False  # closed by the client
        inbox = client.inbox
        inbox += data
        while len(inbox) >= 2:
            size = int.from_bytes(inbox[:2], "big")
            if len(inbox) < 2 + size:
                break  # the rest of this query is still on its way
            wire = bytes(inbox[2 : 2 + size])
            del inbox[: 2 + size]
            reply = self.responder.respond(wire)
            if reply is None:
                continue  # not a query (no header, or a response): dropped, and it buys no time
            client.outbox += len(reply).to_bytes(2, "big") + reply
            client.expires_at = self._clock() + self.tcp_limits.idle_seconds
            del self._clients[client]  # now the most recently active
            self._clients[client] = None
        return True

    def _flush(self, client: _TcpClient) -> None:
        if client.outbox:
            try:
                sent = client.sock.send(client.outbox)
            except BlockingIOError:
                sent = 0
            except OSError:
                self._close(client)
                return
            del client.outbox[:sent]
        # While replies wait for a client that does not read them, read no more of its queries.
        events = selectors.EVENT_WRITE if client.outbox else selectors.EVENT_READ
        if events != client.events:
            client.events = events
            self._selector.modify(client.sock, events, self._selector.get_key(client.sock).data)

    def _close_expired(self, now: float) -> None:
        for client in [c for c in self._clients if c.expires_at <= now]:
            self._close(client)

    def _close(self, client: _TcpClient) -> None:
        if client in self._clients:
            del self._clients[client]
            self._selector.unregister(client.sock)
            client.sock.close()

    def stop(self) -> None:
        self._stop.set()
        self.monitor.stop()
        if self._thread is not None:
            self._thread.join(timeout=2)
        for client in list(self._clients):
            self._close(client)
        for sock in (self._udp, self._tcp):
            if sock is not None:
                sock.close()
        self._selector.close()


def _configure_logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(message)s")
    formatter.converter = time.gmtime
    formatter.formatTime = lambda record, datefmt=None: iso(  # type: ignore[method-assign]
        datetime.fromtimestamp(record.created, UTC)
    )
    handler.setFormatter(formatter)
    log.addHandler(handler)
    log.setLevel(logging.INFO)


def main(argv: Sequence[str] | None = None) -> int:
    """Serve the config's hostname until SIGTERM or SIGINT."""
    parser = argparse.ArgumentParser(prog="python -m failoverkit.localcloud.dnsserver")
    parser.add_argument(
        "--config", required=True, type=Path, help="config JSON written by the LocalFailoverDns resource"
    )
    args = parser.parse_args(argv)
    _configure_logging()
    try:
        config = ServerConfig.from_json(json.loads(args.config.read_text()))
    except (OSError, ValueError) as exc:
        log.error("cannot load %s: %s", args.config, exc)
        return 2
    server = FailoverDnsServer(config)
    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    try:
        server.start()
    except OSError as exc:
        log.error("cannot listen on %s:%d: %s", config.listen_address, config.listen_port, exc)
        return 1
    while not stop.wait(1.0):
        pass
    server.stop()
    log.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
