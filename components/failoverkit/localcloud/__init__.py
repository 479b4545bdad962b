"""The embedded ``local`` clouds: detached app processes and a health-checked DNS server on loopback.

``process`` supervises detached processes (pid files with identity, launch
records for identical restarts), ``dnsserver`` is the failover DNS server and
``providers`` wraps both as Pulumi dynamic resources so ``up``/``refresh``/
``destroy`` manage them through the real engine.
"""
