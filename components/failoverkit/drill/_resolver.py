"""The two ways a drill asks DNS: the provider's authoritative servers, and a caching resolver as clients do.

- ``AuthoritativeResolver`` asks the DNS provider's own name servers, non-recursively, rotating through
  them probe by probe (so a change that has not reached every server yet shows), and follows CNAMEs
  (Traffic Manager answers the shared hostname with ``<profile>.trafficmanager.net``) to the next zone's
  servers, found through NS lookups. The servers come from the stack output ``dns.nameServers`` when it
  exists, else from an NS lookup of the hostname's zone.
- ``CachingResolver`` starts dnsmasq on loopback, forwarding the hostname to the local DNS server and
  caching its answers for their TTL, the way a client's recursive resolver does; it is stopped afterwards.
  On cloud stacks the resolver path is the machine's own resolvers (or ``--resolver``).

Every query has a timeout, so one probe is bounded however DNS misbehaves.

Example::

    with CachingResolver(state_dir, "shop.failoverkit.test", upstream=("127.0.53.1", 10053)) as (host, port):
        resolve = dns_resolver(host, port)
"""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdatatype
import dns.resolver

from failoverkit.drill._observer import ResolveError
from failoverkit.errors import DrillError
from failoverkit.localcloud import process

MAX_CNAME_HOPS = 8
INSTALL_HINT = "install Debian's dnsmasq-base (scripts/setup does: apt-get install -y dnsmasq-base)"

Server = tuple[str, int]
NsLookup = Callable[[str], list[Server]]
"""zone name -> its authoritative servers (address, port); [] when ``name`` is not a zone apex."""


def system_ns_lookup(timeout_seconds: float = 2.0, nameservers: Sequence[Server] | None = None) -> NsLookup:
    """Find a zone's authoritative servers through a recursive resolver (the system's, or ``nameservers``)."""
    resolver = dns.resolver.Resolver(configure=nameservers is None)
    if nameservers:
        resolver.nameservers = [a for a, _ in nameservers]
        resolver.port = nameservers[0][1]
    resolver.lifetime = timeout_seconds

    def lookup(zone: str) -> list[Server]:
        try:
            names = [str(r.target) for r in resolver.resolve(zone, "NS")]
        except dns.exception.DNSException:
            return []
        servers = []
        for name in names:
            try:
                servers += [(str(a.address), 53) for a in resolver.resolve(name, "A")]
            except dns.exception.DNSException:
                continue
        return servers

    return lookup


class AuthoritativeResolver:
    """``resolve(hostname) -> address``: asks the authoritative servers directly (see module docstring)."""

    def __init__(
        self,
        servers: Sequence[Server] = (),
        *,
        ns_lookup: NsLookup | None = None,
        timeout_seconds: float = 0.5,
    ) -> None:
        self._configured = list(servers)
        self._ns_lookup = ns_lookup or system_ns_lookup()
        self._timeout = timeout_seconds
        self._zones: dict[str, list[Server]] = {}
        self._turn = 0
        self._lock = threading.Lock()

    def servers_for(self, name: str) -> list[Server]:
        """The authoritative servers of the zone ``name`` is in: the closest enclosing zone with NS records."""
        labels = dns.name.from_text(name)
        while len(labels) > 1:
            zone = labels.to_text()
            with self._lock:
                known = self._zones.get(zone)
            if known is None:
                known = self._ns_lookup(zone)
                with self._lock:
                    self._zones[zone] = known
            if known:
                return known
            labels = labels.parent()
        raise ResolveError(f"no authoritative servers found for {name}")

    def _next(self, servers: Sequence[Server]) -> Server:
        with self._lock:
            self._turn += 1
            return servers[self._turn % len(servers)]

    def __call__(self, hostname: str) -> str | None:
        name = hostname
        for hop in range(MAX_CNAME_HOPS):
            servers = self._configured if hop == 0 and self._configured else self.servers_for(name)
            address, port = self._next(servers)
            query = dns.message.make_query(name, "A")
            query.flags &= ~dns.flags.RD  # an authoritative server answers from its own data
            try:
                reply = dns.query.udp(query, address, port=port, timeout=self._timeout)
            except dns.exception.Timeout:
                raise ResolveError(f"timeout from {address}") from None
            if reply.rcode() != dns.rcode.NOERROR:
                raise ResolveError(f"{dns.rcode.to_text(reply.rcode())} from {address}")
            cname = None
            for rrset in reply.answer:
                if rrset.rdtype == dns.rdatatype.A:
                    return str(rrset[0].address)
                if rrset.rdtype == dns.rdatatype.CNAME:
                    cname = str(rrset[0].target)
            if cname is None:
                return None
            name = cname
        raise ResolveError(f"more than {MAX_CNAME_HOPS} CNAMEs from {hostname}")


def dnsmasq_path() -> str:
    """dnsmasq's path (Debian puts it in sbin); DrillError saying how to install it when it is missing."""
    found = shutil.which("dnsmasq", path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"]))
    if found is None:
        raise DrillError(f"the resolver path needs dnsmasq, which is not installed: {INSTALL_HINT}")
    return found


def _free_port(address: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.bind((address, 0))
        port: int = udp.getsockname()[1]
    return port


class CachingResolver:
    """dnsmasq on loopback as a client's caching recursive resolver for ``hostname``; a context manager.

    It forwards ``hostname`` (and names under it) to ``upstream`` only, reads no config, hosts file or
    resolv.conf, and caches each answer for its TTL. ``__enter__`` returns ``(address, port)``.
    """

    def __init__(
        self, state_dir: Path, hostname: str, *, upstream: Server, address: str | None = None, port: int | None = None
    ) -> None:
        self.state_dir = Path(state_dir)
        self.hostname = hostname
        self.upstream = upstream
        self.address = address or upstream[0]
        self.port = port
        self._record: process.ProcessRecord | None = None
        self._launch: process.Launch | None = None

    @property
    def name(self) -> str:
        return f"dnsmasq {self.address}:{self.port}"

    def start(self) -> Server:
        binary = dnsmasq_path()
        self.port = self.port or _free_port(self.address)
        up_host, up_port = self.upstream
        argv = [
            binary, "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--no-poll",
            "--bind-interfaces", f"--listen-address={self.address}", f"--port={self.port}", "--pid-file=",
            f"--user={getpass.getuser()}", "--group=",
            "--log-facility=-", "--cache-size=1000", f"--server=/{self.hostname}/{up_host}#{up_port}",
        ]  # fmt: skip
        # Stay the drill's own user, and keep its group ("--group=" is no change): as root, dnsmasq would
        # otherwise switch to group "dip", which a user namespace (`unshare -r`, as the demo test runs in) refuses.
        self._launch = process.new_launch(self.state_dir, f"dnsmasq-{self.port}", argv, {}, self.address, self.port)
        try:
            self._record = process.start(self._launch)
        except process.ProcessError as exc:
            raise DrillError(f"could not start the caching resolver ({' '.join(argv)}): {exc}") from exc
        return self.address, self.port

    def stop(self) -> None:
        if self._record is not None and self._launch is not None:
            process.stop(self._record, pid_path=self._launch.pid_path)
            self._record = None

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
