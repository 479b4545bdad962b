"""Watching a failover from outside, as a user's client would: DNS, then HTTP to the answer.

The observer starts one probe every ``period_seconds`` (10 Hz by default) on
a small thread pool, so a probe stuck on a hung target (up to its timeouts)
never slows the sampling rate. Each probe resolves the shared hostname and
fetches ``/`` from the answered address with the shared Host header.

I/O comes through injection points, so tests drive the observer without
sockets or sleeping:

- ``resolve(hostname) -> address | None`` (raise for a failed lookup),
- ``fetch(address) -> HttpAnswer`` (raise for a failed request),
- ``clock() -> seconds`` (monotonic).

Example::

    obs = Observer(plan, resolve=dns_resolver("127.0.53.1", 10053), fetch=HttpFetcher(plan))
    obs.start(); ...; obs.stop()
    obs.samples()
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import dns.exception
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import dns.resolver
import httpx

from failoverkit.drill._plan import DrillPlan
from failoverkit.drill._timeline import Sample

Clock = Callable[[], float]


@dataclass(frozen=True)
class HttpAnswer:
    """What an HTTP probe got back."""

    status: int
    body: Mapping[str, Any] | None
    """The JSON body when it was a JSON object (the demo app names its cloud and region)."""


Resolve = Callable[[str], "str | None"]
Fetch = Callable[[str], HttpAnswer]


class ResolveError(Exception):
    """A DNS lookup got no usable answer (timeout, SERVFAIL, NXDOMAIN, ...)."""


def dns_resolver(server: str | None, port: int = 53, timeout_seconds: float = 0.3) -> Resolve:
    """A resolver asking ``server:port`` over UDP with no cache (None: the system's resolvers).

    Asking the failover DNS server directly shows its decision the moment it
    changes; a caching resolver would add up to one TTL, which the budget covers.
    """

    def resolve_direct(hostname: str) -> str | None:
        assert server is not None
        query = dns.message.make_query(hostname, "A")
        try:
            reply = dns.query.udp(query, server, port=port, timeout=timeout_seconds)
        except dns.exception.Timeout:
            raise ResolveError("timeout") from None
        rcode = reply.rcode()
        if rcode != dns.rcode.NOERROR:
            raise ResolveError(dns.rcode.to_text(rcode))
        for rrset in reply.answer:
            if rrset.rdtype == dns.rdatatype.A:
                return str(rrset[0].address)
        return None

    def resolve_system(hostname: str) -> str | None:
        resolver = dns.resolver.Resolver()
        resolver.lifetime = timeout_seconds
        try:
            answer = resolver.resolve(hostname, "A")
        except dns.exception.DNSException as exc:
            raise ResolveError(type(exc).__name__) from None
        return str(answer[0].address)

    return resolve_direct if server is not None else resolve_system


class HttpFetcher:
    """Fetches ``/`` from an address with the stack's Host header; fresh connection per probe.

    Keep-alive is off on purpose: a real client after a DNS change opens a new
    connection, and a pooled socket to a dead target would hide what a user sees.
    """

    def __init__(
        self,
        hostname: str,
        port: int,
        timeout_seconds: float = 0.5,
        scheme: str = "http",
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        default = 443 if scheme == "https" else 80
        self._hostname = hostname
        self._host_header = hostname if port == default else f"{hostname}:{port}"
        self._port = port
        self._scheme = scheme
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout_seconds),
            limits=httpx.Limits(max_keepalive_connections=0, max_connections=64),
            trust_env=False,  # never route loopback probes through a proxy from the environment
            follow_redirects=False,
            verify=verify,
        )

    def __call__(self, address: str, path: str = "/") -> HttpAnswer:
        url = f"{self._scheme}://{address}:{self._port}{path}"
        # HTTPS: connect to the answered address, but say (SNI) and verify the shared hostname, as a browser does.
        extensions = {"sni_hostname": self._hostname} if self._scheme == "https" else None
        response = self._client.get(url, headers={"Host": self._host_header}, extensions=extensions)
        body: Mapping[str, Any] | None = None
        try:
            parsed = response.json()
            body = parsed if isinstance(parsed, dict) else None
        except ValueError:
            body = None
        return HttpAnswer(response.status_code, body)

    def close(self) -> None:
        self._client.close()


class Observer:
    """Probes DNS and HTTP at a steady rate and keeps the timeline."""

    def __init__(
        self,
        plan: DrillPlan,
        *,
        resolve: Resolve,
        fetch: Fetch,
        clock: Clock = time.monotonic,
        period_seconds: float = 0.1,
        max_in_flight: int = 16,
    ) -> None:
        self._plan = plan
        self._resolve = resolve
        self._fetch = fetch
        self._clock = clock
        self.period_seconds = period_seconds
        self._max_in_flight = max_in_flight
        self._samples: list[Sample] = []
        self._lock = threading.Lock()
        self._in_flight = 0
        self._skipped = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pool: ThreadPoolExecutor | None = None

    def probe(self) -> Sample:
        """One probe, recorded and returned. Never raises: failures become the sample's ``error``."""
        started = self._clock()
        answer: str | None = None
        status: int | None = None
        served: str | None = None
        error: str | None = None
        try:
            answer = self._resolve(self._plan.hostname)
            if answer is None:
                error = "dns: no A record"
        except Exception as exc:  # any lookup failure is an observation, not a crash of the drill
            error = f"dns: {exc or type(exc).__name__}"
        if answer is not None:
            try:
                reply = self._fetch(answer)
                status = reply.status
                served = self._served_by(reply, answer)
                if not 200 <= status < 400:
                    error = f"http: status {status}"
            except Exception as exc:  # timeouts, refused and reset connections are what a drill looks for
                error = f"http: {type(exc).__name__}"
        sample = Sample(
            t=started,
            dns_answer=answer,
            dns_target=self._plan.key_of(answer),
            http_status=status,
            served_by=served,
            error=error,
            latency_seconds=self._clock() - started,
        )
        with self._lock:
            self._samples.append(sample)
        return sample

    def _served_by(self, reply: HttpAnswer, address: str) -> str | None:
        # The demo app names its cloud and region; a user's own app may not, then the address tells.
        body = reply.body or {}
        named = self._plan.key_of_cloud(body.get("cloud"), body.get("region"))
        return named or self._plan.key_of(address)

    def samples(self) -> list[Sample]:
        """The timeline so far, ordered by probe start."""
        with self._lock:
            return sorted(self._samples, key=lambda s: s.t)

    @property
    def skipped(self) -> int:
        """Ticks skipped because ``max_in_flight`` probes were still waiting on timeouts."""
        return self._skipped

    def start(self) -> None:
        """Probe in the background until ``stop``."""
        if self._thread is not None:
            return
        self._pool = ThreadPoolExecutor(max_workers=self._max_in_flight, thread_name_prefix="drill-probe")
        self._thread = threading.Thread(target=self._run, name="drill-observer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        assert self._pool is not None
        next_tick = time.monotonic()
        while not self._stop.is_set():
            with self._lock:
                busy = self._in_flight >= self._max_in_flight
                if not busy:
                    self._in_flight += 1
            if busy:
                self._skipped += 1
            else:
                self._pool.submit(self._probe_counted)
            next_tick += self.period_seconds
            # Fixed-rate ticks; after a stall, skip ahead rather than burst.
            next_tick = max(next_tick, time.monotonic())
            self._stop.wait(max(0.0, next_tick - time.monotonic()))

    def _probe_counted(self) -> None:
        try:
            self.probe()
        finally:
            with self._lock:
                self._in_flight -= 1

    def stop(self) -> None:
        """Stop probing and wait for probes in flight (each is bounded by its timeouts)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._pool is not None:
            self._pool.shutdown(wait=True)
