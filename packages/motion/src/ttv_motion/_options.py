"""Option checking shared by the implementations: unknown keys are TTV-E002, bad values E200."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ttv_contracts.errors import E_CONFIG_INVALID, TTVError

from .errors import E_OPTION_INVALID, PACKAGE


def reject_unknown(name: str, options: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(options) - allowed)
    if unknown:
        raise TTVError(
            E_CONFIG_INVALID,
            f"motion implementation '{name}' got unknown option(s) {', '.join(unknown)}; "
            f"known options: {', '.join(sorted(allowed)) or '(none)'}",
            module=PACKAGE,
        )


def bad_value(name: str, option: str, value: Any, expected: str) -> TTVError:
    return TTVError(
        E_OPTION_INVALID,
        f"motion implementation '{name}': option {option}={value!r} is invalid; expected {expected}",
        module=PACKAGE,
    )


def as_int(name: str, option: str, value: Any, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise bad_value(name, option, value, f"an integer in {lo}..{hi}")
    return value


def as_float(name: str, option: str, value: Any, lo: float, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
        raise bad_value(name, option, value, f"a number in {lo}..{hi}")
    return float(value)


def as_bool(name: str, option: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise bad_value(name, option, value, "true or false")
    return value
