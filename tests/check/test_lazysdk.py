"""Cloud SDK packages loaded on demand under check give the program what the whole package would.

Each case runs in a fresh interpreter: the test process has the SDKs imported already.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROBE = """
import json, sys, types
{setup}
import pulumi_aws as aws
ec2 = aws.ec2
names = {{}}
exec("from pulumi_aws.ec2 import *", names)
exported = {{
    k: f"{{getattr(v, '__module__', '')}}.{{getattr(v, '__qualname__', '')}}"
    for k, v in names.items()
    if not k.startswith("_") and not isinstance(v, types.ModuleType)
}}
print(json.dumps({{
    "get_vpc": type(ec2.get_vpc).__name__,
    "group": ec2.SecurityGroup.__module__,
    "ingress_args": ec2.SecurityGroupIngressArgs.__module__,
    "region": type(aws.get_region).__name__,
    "exported": exported,
}}))
"""
LAZY = "from failoverkit.check.lazysdk import resources_on_demand\nhook = resources_on_demand()\nhook.__enter__()"


def _probe(setup: str) -> dict[str, object]:
    code = PROBE.format(setup=setup)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def test_names_are_the_packages_own_and_a_star_import_gets_them_all() -> None:
    eager, lazy = _probe(""), _probe(LAZY)
    assert lazy["get_vpc"] == eager["get_vpc"] == "function"  # not the module get_vpc.py of the same name
    assert lazy["group"] == eager["group"] == "pulumi_aws.ec2.security_group"
    assert lazy["ingress_args"] == eager["ingress_args"] == "pulumi_aws.ec2._inputs"
    assert lazy["region"] == eager["region"] == "function"
    assert lazy["exported"] == eager["exported"]


def test_only_the_modules_asked_for_are_loaded() -> None:
    code = f"""
import sys
{LAZY}
import pulumi_aws as aws
aws.ec2.SecurityGroup
print(sum(m.startswith("pulumi_aws.ec2.") for m in sys.modules))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    # security_group, its _inputs and outputs (and what they import), not the package's ~300 modules
    assert int(done.stdout) < 10


FAKE_SDK = {
    "__init__.py": "from .alpha import *\nfrom .beta import *\nfrom .gamma import *\nfrom .delta import *\n"
    "from .zeta import *\nfrom . import extra\n",
    "alpha.py": "__all__ = ['Alpha', 'Shared']\nclass Alpha: pass\nclass Shared: origin = 'alpha'\n",
    "beta.py": "__all__ = [\n    'beta',\n]\ndef beta(): return 'the function'\n",
    "gamma.py": '__all__ = ["Gamma", "Shared"]\nclass Gamma: pass\nclass Shared: origin = "gamma"\n',
    "delta.py": "names = ['Delta']\n__all__ = names\nclass Delta: pass\n",
    "extra.py": "VALUE = 1\n",
    "zeta.py": "__all__ = ['Zeta'] + ['Zeta2']\nclass Zeta: pass\nclass Zeta2: pass\n",
}


def test_a_package_gets_the_names_its_star_imports_gave(tmp_path: Path) -> None:
    # A stand-in SDK under a real SDK's name, first on sys.path: later star imports win, a function named
    # like its module is the function, a module whose __all__ the text does not show is imported as written.
    package = tmp_path / "pulumi_aws"
    package.mkdir()
    for name, text in FAKE_SDK.items():
        (package / name).write_text(text)
    code = f"""
import sys
sys.path.insert(0, {str(tmp_path)!r})
{LAZY}
import pulumi_aws as sdk
loaded = lambda: sorted(m for m in sys.modules if m.startswith("pulumi_aws."))
print(loaded())
print(sdk.Alpha.__module__, loaded())
print(sdk.beta(), sdk.Shared.origin, sdk.Delta.__module__, sdk.extra.VALUE, sdk.Zeta2.__module__)
names = {{}}
exec("from pulumi_aws import *", names)
print(sorted(k for k in names if not k.startswith("_")))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "['pulumi_aws.delta', 'pulumi_aws.extra']",
        "pulumi_aws.alpha ['pulumi_aws.alpha', 'pulumi_aws.delta', 'pulumi_aws.extra']",
        "the function gamma pulumi_aws.delta 1 pulumi_aws.zeta",  # Zeta2: not in the text, found by loading all
        "['Alpha', 'Delta', 'Gamma', 'Shared', 'Zeta', 'Zeta2', 'beta', 'delta', 'extra']",  # not delta's 'names'
    ]
