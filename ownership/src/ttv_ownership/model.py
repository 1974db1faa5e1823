"""The owners.yaml schema (pydantic) and its loader."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ClusterId = Literal["A", "B", "C", "platform"]
Status = Literal["incubation", "production", "attic"]

ROLE_PATTERN = r"^[a-z]+(-[a-z]+)*-(lead|engineer)$"
TEAM_PATTERN = r"^@[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Role(_Strict):
    cluster: ClusterId
    team: str = Field(pattern=TEAM_PATTERN)
    description: str = ""


class Cluster(_Strict):
    name: str
    lead: str


class Module(_Strict):
    cluster: ClusterId
    paths: list[str] = Field(min_length=1)
    primary: str
    secondary: str
    backup: str
    status: Status

    @field_validator("paths")
    @classmethod
    def _relative(cls, paths: list[str]) -> list[str]:
        for p in paths:
            if p.startswith("/") or ".." in p.split("/") or not p.strip():
                raise ValueError(f"path {p!r} must be relative to the repository root")
        return paths

    @property
    def roles(self) -> tuple[str, str, str]:
        return (self.primary, self.secondary, self.backup)


class Owners(_Strict):
    version: Literal[1] = 1
    roles: dict[str, Role]
    clusters: dict[ClusterId, Cluster]
    modules: dict[str, Module]

    @field_validator("roles")
    @classmethod
    def _role_names(cls, roles: dict[str, Role]) -> dict[str, Role]:
        import re

        for name in roles:
            if not re.match(ROLE_PATTERN, name):
                raise ValueError(
                    f"role {name!r} must be a role name like 'motion-lead' (no personal names)"
                )
        return roles

    @model_validator(mode="after")
    def _references(self) -> Owners:
        for cid, cluster in self.clusters.items():
            if cluster.lead not in self.roles:
                raise ValueError(f"cluster {cid} lead {cluster.lead!r} is not a declared role")
        for name, mod in self.modules.items():
            for role in mod.roles:
                if role not in self.roles:
                    raise ValueError(f"module {name!r} names unknown role {role!r}")
            if mod.cluster not in self.clusters:
                raise ValueError(f"module {name!r} names unknown cluster {mod.cluster!r}")
        return self

    def role_cluster(self, role: str) -> str:
        return self.roles[role].cluster

    def team(self, role: str) -> str:
        return self.roles[role].team

    def escalation(self, module: str) -> list[str]:
        """Who to call, in order, when the module breaks: primary, secondary, backup, leads."""
        mod = self.modules[module]
        chain = list(mod.roles)
        for lead in (self.clusters[mod.cluster].lead, self.clusters["platform"].lead):
            if lead not in chain:
                chain.append(lead)
        return chain


def load(path: Path) -> Owners:
    """Read and validate owners.yaml; any problem is a TTVError TTV-E060."""
    from pydantic import ValidationError
    from ttv_contracts.errors import TTVError

    from .errors import E_OWNERS_INVALID

    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Owners.model_validate(data)
    except FileNotFoundError as exc:
        raise TTVError(E_OWNERS_INVALID, f"{path} does not exist", module="ttv-ownership") from exc
    except yaml.YAMLError as exc:
        raise TTVError(
            E_OWNERS_INVALID, f"{path} is not valid YAML: {exc}", module="ttv-ownership"
        ) from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "(top level)"
        raise TTVError(
            E_OWNERS_INVALID,
            f"{path}: {exc.error_count()} problem(s); first at {where}: {first['msg']}",
            module="ttv-ownership",
        ) from exc
