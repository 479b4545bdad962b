"""Cloud SDK modules loaded one resource at a time while ``check`` runs a program.

A generated Pulumi SDK package (``pulumi_gcp.compute``, ``pulumi_cloudflare`` ...) star-imports every
one of its modules in its ``__init__``: ``gcp.compute.BackendService`` loads about 200 resource
classes for the one the program creates, and importing the cloud SDKs was most of a check of a cloud
stack (bench/bench_check.py). While the program runs, :func:`resources_on_demand` gives such packages
a module ``__getattr__`` instead: a name is looked up in the ``__all__`` of the package's modules (read
as text, not run) and its module is imported the first time the program asks for it, exactly as the
star import would have made it; everything else in ``__init__`` runs as written. ``from pkg import *``
still gets every name (``__all__`` lists them all). A real preview imports the whole packages; what a
program sees is the same.

Example::

    with resources_on_demand():
        runpy.run_path("__main__.py")
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.abc
import importlib.machinery
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

SDK_PREFIXES = ("pulumi_aws", "pulumi_gcp", "pulumi_azure_native", "pulumi_cloudflare")
"""The generated SDKs whose packages are loaded on demand (each is a package tree of star imports)."""

_STAR = re.compile(r"^from \.(\w+) import \*$")
_ALL = re.compile(r"^__all__ = \[(.*?)\]", re.MULTILINE | re.DOTALL)
_NAME = re.compile(r"""['"](\w+)['"]""")


def _exported(path: Path) -> list[str] | None:
    """The names in a generated module's ``__all__``, read from its source; None if it has none."""
    with path.open(encoding="utf-8") as f:
        head = ""
        while chunk := f.read(1 << 16):
            head += chunk
            found = _ALL.search(head)
            if found and found.end() < len(head):
                return _NAME.findall(found.group(1))
    found = _ALL.search(head)
    return _NAME.findall(found.group(1)) if found else None


class _OnDemandLoader(importlib.abc.Loader):
    """Runs a package's ``__init__`` without its star imports of modules, which load when first asked for."""

    def __init__(self, origin: Path) -> None:
        self._origin = origin

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        folder = self._origin.parent
        provides: dict[str, str] = {}
        kept: list[str] = []
        for line in self._origin.read_text(encoding="utf-8").splitlines():
            star = _STAR.match(line)
            file = folder / f"{star.group(1)}.py" if star else None
            names = _exported(file) if file is not None and file.is_file() else None
            if star is None or not names:  # no __all__ the text shows: imported as written
                kept.append(line)
                continue
            for name in names:  # a later star import wins, as in the package's own __init__
                provides[name] = star.group(1)
        exec(compile("\n".join(kept), str(self._origin), "exec"), module.__dict__)
        package, namespace = module.__name__, module.__dict__
        starred = list(dict.fromkeys(provides.values()))

        def load(submodule: str) -> None:
            # As the star import did, over the attribute the import system just set to the submodule itself
            # (``ec2.get_vpc`` is the function, not the module ``get_vpc.py``).
            loaded = importlib.import_module(f"{package}.{submodule}")
            for exported in getattr(loaded, "__all__", ()):
                if provides.get(exported, submodule) == submodule:
                    namespace[exported] = getattr(loaded, exported)
                    if exported not in listed:  # one the text did not show
                        listed.add(exported)
                        namespace["__all__"].append(exported)

        def getattr_on_demand(name: str) -> Any:
            if name in provides:
                load(provides[name])
            elif not (name.startswith("__") or (folder / f"{name}.py").is_file() or (folder / name).is_dir()):
                # Listed nowhere the text said: every module, as the star imports would have. (A submodule's
                # own name raises, so that the import system imports it, as it does for any package.)
                for submodule in starred:
                    load(submodule)
            if name not in namespace:
                raise AttributeError(f"module {package!r} has no attribute {name!r}")
            return namespace[name]

        public = [k for k in namespace if not k.startswith("_")]
        namespace["__getattr__"] = getattr_on_demand
        namespace["__all__"] = list(dict.fromkeys([*public, *provides]))
        listed = set(namespace["__all__"])


class _OnDemandFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Any, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith(SDK_PREFIXES) or fullname.split(".", 1)[0] not in SDK_PREFIXES:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.origin is None or not spec.submodule_search_locations:
            return None  # a module, not a package (nothing star-imported): the usual finders import it
        if not isinstance(spec.loader, importlib.machinery.SourceFileLoader) or not spec.origin.endswith("__init__.py"):
            return None
        spec.loader = _OnDemandLoader(Path(spec.origin))
        return spec


@contextlib.contextmanager
def resources_on_demand() -> Iterator[None]:
    """While inside, SDK packages imported for the first time load their modules on demand (see the module)."""
    finder = _OnDemandFinder()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
