"""Typed implementation options (contracts 1.3).

An implementation declares its options as a pydantic model on the class::

    class FlowInterpolator(FrameInterpolator):
        class Options(ImplementationOptions):
            preset: Literal["ultrafast", "fast", "medium"] = Field(
                "fast", description="DIS optical-flow preset."
            )

The slot base class validates the keyword options against it in ``__init__`` and keeps the
result as ``self.opts`` (typed, frozen); ``self.options`` stays the plain mapping that was
given. An unknown option is ``TTV-E002``; a wrong type or an out-of-range value is the
class's ``option_error`` code (``TTV-E002`` unless the implementation names its own). Both
are a :class:`~ttv_contracts.errors.TTVError` with a REPAIR pointer, never a pydantic
traceback.

A class that declares no model keeps the 1.2 behaviour: any keyword is accepted and
``self.opts`` is an :class:`UndeclaredOptions` holding them as extras.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import PydanticUndefined

from ..errors import E_CONFIG_INVALID, TTVError

if TYPE_CHECKING:
    from .slots import SlotImplementation


class ImplementationOptions(BaseModel):
    """Base of every options model: frozen, unknown keys forbidden, defaults validated.

    Give every field a type, a default (or none, when the option is required, like a
    ``weights_path``), constraints (``Field(ge=..., le=...)``, ``Literal``) and a
    ``description``: the CLI (``ttv schema options``) and the site's options page show them.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)


class NoOptions(ImplementationOptions):
    """The implementation takes no options: every key is unknown (TTV-E002)."""


class UndeclaredOptions(BaseModel):
    """What ``self.opts`` is for a class that declares no ``Options`` model (written before
    contracts 1.3): every keyword is accepted, as an extra attribute, unchecked."""

    model_config = ConfigDict(frozen=True, extra="allow")


def declares_options(cls: type) -> bool:
    """Whether ``cls`` (a slot implementation class) declares its own options model."""
    model = getattr(cls, "Options", None)
    return (
        isinstance(model, type)
        and issubclass(model, BaseModel)
        and model is not UndeclaredOptions
        and model.model_config.get("extra") == "forbid"
    )


def _label(impl_cls: type) -> tuple[str, str]:
    info = getattr(impl_cls, "info", None)
    slot = getattr(info, "slot", None) or getattr(impl_cls, "slot", "") or "slot"
    name = getattr(info, "name", None) or impl_cls.__name__
    package = getattr(info, "package", None) or name
    return f"{slot} '{name}'", package


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


#: Names pydantic puts in an error location for the branch of a union, not a field.
_BRANCH_TAGS = {"str", "int", "float", "bool", "list", "tuple", "dict", "none", "bytes"}


def _clean_loc(loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """An error location without pydantic's union-branch tags (``str``,
    ``lax-or-strict[...]``, a model's class name): option names and list indexes only."""
    return tuple(
        p
        for p in loc
        if isinstance(p, int) or not ("[" in p or "-" in p or p in _BRANCH_TAGS or p[:1].isupper())
    )


def options_error(impl_cls: type, exc: ValidationError, given: dict[str, Any]) -> TTVError:
    """The coded error for options that failed ``impl_cls.Options``: unknown keys are
    TTV-E002 (with the known names), bad values the class's ``option_error`` code."""
    what, package = _label(impl_cls)
    model = impl_cls.Options
    known = sorted(model.model_fields)
    unknown = sorted(
        {
            ".".join(str(p) for p in _clean_loc(e["loc"]))
            for e in exc.errors()
            if e["type"] == "extra_forbidden" and e["loc"]
        }
    )
    if unknown:
        return TTVError(
            E_CONFIG_INVALID,
            f"unknown option(s) for {what}: {', '.join(unknown)}",
            module=package,
            hint=f"Known options: {', '.join(known) or 'none'}.",
        )
    problems: list[str] = []
    by_option: dict[str, list[tuple[tuple[str | int, ...], Any, str]]] = {}
    for err in exc.errors():
        loc = _clean_loc(err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        if not loc:  # a check across several options (model validator)
            problems.append(msg)
            continue
        by_option.setdefault(str(loc[0]), []).append((loc, err.get("input"), msg))
    for errors in by_option.values():
        # a union reports every branch: keep the deepest (the branch that got furthest)
        depth = max(len(loc) for loc, _, _ in errors)
        merged: dict[str, tuple[Any, list[str]]] = {}
        for loc, value, msg in errors:
            if len(loc) == depth:
                where = ".".join(str(p) for p in loc)
                msgs = merged.setdefault(where, (value, []))[1]
                if msg not in msgs:
                    msgs.append(msg)
        for where, (value, msgs) in merged.items():
            problems.append(f"option {where}={_show(value)}: {' / '.join(msgs)}")
    return TTVError(
        getattr(impl_cls, "option_error", E_CONFIG_INVALID),
        f"invalid option(s) for {what}: " + "; ".join(problems),
        module=package,
        hint=f"`ttv schema options` lists the options of {what}.",
    )


def parse_options(impl_cls: type[SlotImplementation], options: dict[str, Any]) -> BaseModel:
    """Validate ``options`` against ``impl_cls.Options``; coded errors only."""
    model = getattr(impl_cls, "Options", UndeclaredOptions)
    needs = getattr(getattr(impl_cls, "info", None), "needs", None)
    if "store_dir" in options and "store_dir" not in model.model_fields and needs and needs.store:
        # the pipeline gives every store-keeping class its folder; a model that does not
        # declare it (a stub subclass, say) still finds it in ``self.options``
        options = {k: v for k, v in options.items() if k != "store_dir"}
    try:
        return model.model_validate(options)
    except ValidationError as exc:
        raise options_error(impl_cls, exc, options) from None


def _type_name(schema: dict[str, Any]) -> str:
    if "$ref" in schema:  # a nested options model: a table of its own options
        return f"table ({schema['$ref'].rsplit('/', 1)[-1]})"
    if "enum" in schema:
        return " | ".join(json.dumps(v) for v in schema["enum"])
    if "const" in schema:
        return json.dumps(schema["const"])
    if "anyOf" in schema:
        return " | ".join(_type_name(s) for s in schema["anyOf"])
    kind = schema.get("type")
    if kind == "array":
        items = schema.get("prefixItems")
        if items:
            return "[" + ", ".join(_type_name(s) for s in items) + "]"
        return f"list[{_type_name(schema.get('items', {}))}]"
    if kind == "string" and schema.get("format") == "path":
        return "path"
    names = {"integer": "int", "number": "float", "boolean": "bool", "string": "str"}
    return names.get(str(kind), str(kind or "any"))


def _range(schema: dict[str, Any]) -> str:
    parts = []
    for key, sign in (
        ("minimum", ">="),
        ("exclusiveMinimum", ">"),
        ("maximum", "<="),
        ("exclusiveMaximum", "<"),
    ):
        if key in schema:
            parts.append(f"{sign} {schema[key]:g}")
    for key, label in (("minLength", "length >="), ("maxLength", "length <=")):
        if key in schema:
            parts.append(f"{label} {schema[key]}")
    if "pattern" in schema:
        parts.append(f"matches {schema['pattern']}")
    return ", ".join(parts)


def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    try:
        json.dumps(value)
    except TypeError:
        return str(value)
    return value


def options_schema(impl_cls: type) -> dict[str, Any]:
    """JSON schema of the class's options (an open object for an undeclared model)."""
    if not declares_options(impl_cls):
        return {"type": "object", "additionalProperties": True, "x-declared": False}
    return impl_cls.Options.model_json_schema()


def describe_options(impl_cls: type) -> list[dict[str, Any]]:
    """One row per option: ``name``, ``type``, ``default`` (JSON-able; ``None`` with
    ``required`` true when there is none), ``required``, ``constraints`` and
    ``description``. Empty for a class without options or without a declared model."""
    if not declares_options(impl_cls):
        return []
    model = impl_cls.Options
    props = model.model_json_schema().get("properties", {})
    rows = []
    for name, field in model.model_fields.items():
        schema = props.get(name, {})
        inner = schema
        if "anyOf" in schema:  # a range on the non-null branch of ``X | None``
            inner = next((s for s in schema["anyOf"] if s.get("type") != "null"), schema)
        required = field.default is PydanticUndefined and field.default_factory is None
        default = None
        if not required:
            value = field.get_default(call_default_factory=True)
            default = schema.get("default", _jsonable(value))
        rows.append(
            {
                "name": name,
                "type": _type_name(schema),
                "default": default,
                "required": required,
                "constraints": _range(inner),
                "description": field.description or "",
            }
        )
    return rows


__all__ = [
    "ImplementationOptions",
    "NoOptions",
    "UndeclaredOptions",
    "declares_options",
    "describe_options",
    "options_error",
    "options_schema",
    "parse_options",
]
