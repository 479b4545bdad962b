"""The failoverkit policy pack: assembles the policies and serves them to the Pulumi engine.

Run by the engine: ``pulumi preview --policy-pack policies`` (standard install) or
``--policy-pack policies/failoverkit-policies`` (the launcher beside this file).
"""

import os
import sys

# Started as a script (``python policies/__main__.py``), the pack's own modules sit beside this file.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from failoverkit_policies import PACK_NAME, POLICIES
from pulumi_policy import PolicyPack

PolicyPack(
    name=PACK_NAME,
    policies=list(POLICIES),
    description="failoverkit: no critical workload in a single cloud provider or region; health-checked failover DNS.",
)
