"""TTV ownership as data: owners.yaml, its rules, CODEOWNERS, owner-doc facts, site pages.

Command line: ``ttv-ownership`` (check, codeowners, docs, who, new-module, site, schemas)
and the ``ttv owners`` / ``ttv new-module`` sub-commands.
"""

from ttv_contracts import version_of

from .codeowners_file import render as render_codeowners
from .codeowners_file import validate as validate_codeowners
from .codeowners_file import who
from .model import Module, Owners, Role, load
from .rules import Problem, bus_factor_rows, check
from .scaffold import ScaffoldError, scaffold
from .workspace import Package, Workspace

__version__ = version_of("ttv-ownership")  # pyproject.toml is the one source

__all__ = [
    "Module",
    "Owners",
    "Package",
    "Problem",
    "Role",
    "ScaffoldError",
    "Workspace",
    "__version__",
    "bus_factor_rows",
    "check",
    "load",
    "render_codeowners",
    "scaffold",
    "validate_codeowners",
    "who",
]
