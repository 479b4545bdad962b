"""Measuring a cloud stack from outside, against loopback fakes: the DNS provider's authoritative servers
(a small DNS server here), a caching resolver (dnsmasq, forwarding to it) and HTTPS with the shared hostname
(TLS servers that check SNI and Host). No internet, no cloud.
"""

from __future__ import annotations

import json
import random
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset
import pytest
from failoverkit.drill import AuthoritativeResolver, CachingResolver, HttpFetcher, dns_resolver
from failoverkit.drill._resolver import system_ns_lookup

pytestmark = pytest.mark.drill

HOSTNAME = "shop.drill.test"


@dataclass
class FakeAuthoritative:
    """A UDP DNS server answering from ``records`` (name -> (type, value)), authoritatively, with ``ttl``."""

    address: str
    records: dict[str, tuple[str, str]] = field(default_factory=dict)
    ns: dict[str, list[str]] = field(default_factory=dict)
    """zone -> its name servers' names (answered to NS queries, as a recursive resolver would)."""
    ttl: int = 1
    queries: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((self.address, 0))
        self.port: int = self.sock.getsockname()[1]
        self.sock.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                data, peer = self.sock.recvfrom(4096)
            except TimeoutError:
                continue
            query = dns.message.from_wire(data)
            question = query.question[0]
            name, qtype = question.name.to_text(), dns.rdatatype.to_text(question.rdtype)
            self.queries.append(f"{qtype} {name}")
            reply = dns.message.make_response(query)
            reply.flags |= dns.flags.AA
            if qtype == "NS" and name in self.ns:
                reply.answer.append(dns.rrset.from_text_list(name, self.ttl, "IN", "NS", self.ns[name]))
            elif name in self.records:
                kind, value = self.records[name]
                reply.answer.append(dns.rrset.from_text(name, self.ttl, "IN", kind, value))
            else:
                reply.set_rcode(dns.rcode.NXDOMAIN)
            self.sock.sendto(reply.to_wire(), peer)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def block() -> str:
    return f"127.67.{random.randint(1, 254)}"


@pytest.fixture
def authoritative(block: str) -> Iterator[FakeAuthoritative]:
    server = FakeAuthoritative(f"{block}.53", {f"{HOSTNAME}.": ("A", f"{block}.1")})
    yield server
    server.close()


def test_the_authoritative_servers_are_asked_directly_and_non_recursively(
    authoritative: FakeAuthoritative, block: str
) -> None:
    resolve = AuthoritativeResolver([(authoritative.address, authoritative.port)], ns_lookup=lambda zone: [])
    assert resolve(HOSTNAME) == f"{block}.1"
    authoritative.records[f"{HOSTNAME}."] = ("A", f"{block}.2")
    assert resolve(HOSTNAME) == f"{block}.2"  # no cache on this path: the change shows at once


def test_a_cname_is_followed_to_its_zones_own_servers(block: str) -> None:
    """Traffic Manager answers the hostname with a CNAME to <profile>.trafficmanager.net, whose servers decide."""
    zone = FakeAuthoritative(f"{block}.53", {f"{HOSTNAME}.": ("CNAME", "shop.tm.test.")})
    tm = FakeAuthoritative(f"{block}.54", {"shop.tm.test.": ("A", f"{block}.3")})
    try:
        servers = {"tm.test.": [(tm.address, tm.port)]}
        resolve = AuthoritativeResolver([(zone.address, zone.port)], ns_lookup=lambda z: servers.get(z, []))
        assert resolve(HOSTNAME) == f"{block}.3"
        assert tm.queries == ["A shop.tm.test."]
    finally:
        zone.close()
        tm.close()


def test_without_name_servers_in_the_outputs_they_are_found_through_an_ns_lookup(block: str) -> None:
    # The fake plays the recursive resolver: NS of the zone, then the name server's address.
    recursive = FakeAuthoritative(
        f"{block}.60", {"ns1.drill.test.": ("A", f"{block}.53")}, ns={"drill.test.": ["ns1.drill.test."]}
    )
    try:
        lookup = system_ns_lookup(nameservers=[(recursive.address, recursive.port)])
        assert lookup("drill.test.") == [(f"{block}.53", 53)]
        assert lookup("nope.test.") == []
        resolve = AuthoritativeResolver(ns_lookup=lambda z: [(f"{block}.53", 53)] if z == "drill.test." else [])
        assert resolve.servers_for(HOSTNAME) == [(f"{block}.53", 53)]  # shop.drill.test has none: its parent
    finally:
        recursive.close()


def test_the_caching_resolver_lags_the_authoritative_answer_by_at_most_the_ttl(
    authoritative: FakeAuthoritative, block: str, tmp_path: Path
) -> None:
    direct = AuthoritativeResolver([(authoritative.address, authoritative.port)], ns_lookup=lambda zone: [])
    with CachingResolver(tmp_path, HOSTNAME, upstream=(authoritative.address, authoritative.port)) as (host, port):
        cached = dns_resolver(host, port, timeout_seconds=1.0)
        assert cached(HOSTNAME) == f"{block}.1"  # now cached for the TTL (1 s)
        changed = time.monotonic()
        authoritative.records[f"{HOSTNAME}."] = ("A", f"{block}.2")
        assert direct(HOSTNAME) == f"{block}.2"
        seen_old = False
        deadline = changed + 5
        while time.monotonic() < deadline and (answer := cached(HOSTNAME)) != f"{block}.2":
            seen_old = seen_old or answer == f"{block}.1"
            time.sleep(0.05)
        lag = time.monotonic() - changed
    assert answer == f"{block}.2" and seen_old, "the cache served the old answer, then the new one"
    assert lag <= authoritative.ttl + 0.3


def _certificate(tmp_path: Path) -> tuple[Path, Path]:
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={HOSTNAME}",
         "-addext", f"subjectAltName=DNS:{HOSTNAME}", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return key, cert


class _Origin(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps({"cloud": "aws", "region": "us-east-1", "host": self.headers.get("Host")}).encode()
        self.send_response(200 if self.path == "/" else 503)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_https_probes_say_and_verify_the_shared_hostname(tmp_path: Path, block: str) -> None:
    key, cert = _certificate(tmp_path)
    server = ThreadingHTTPServer((f"{block}.1", 0), _Origin)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    names: list[str | None] = []
    context.sni_callback = lambda sock, name, ctx: names.append(name)  # type: ignore[assignment,func-returns-value]
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    fetch = HttpFetcher(HOSTNAME, port, scheme="https", verify=ssl.create_default_context(cafile=str(cert)))
    try:
        answer = fetch(f"{block}.1")  # connect to the address DNS answered...
        assert answer.status == 200 and answer.body is not None
        assert names == [HOSTNAME]  # ...but say the shared hostname (SNI) and verify the certificate against it
        assert answer.body["host"] == f"{HOSTNAME}:{port}"
        assert fetch(f"{block}.1", "/health").status == 503
        untrusted = HttpFetcher(HOSTNAME, port, scheme="https")  # the system's CAs do not know this one
        with pytest.raises(Exception, match="CERTIFICATE_VERIFY_FAILED"):
            untrusted(f"{block}.1")
        untrusted.close()
    finally:
        fetch.close()
        server.shutdown()
        server.server_close()
