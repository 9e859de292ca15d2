"""A bundled OpenAPI document as objects whose methods give every name and type string a template needs.

:func:`build_api` walks the document once and raises :class:`SpecError`, naming the place in the
document, for anything the generator cannot turn into code. Templates only loop and print.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from skyport.codegen import naming

_SCHEMA_REF = re.compile(r"^#/components/schemas/([^/]+)$")
_PARAMETER_REF = re.compile(r"^#/components/parameters/([^/]+)$")
_RESPONSE_REF = re.compile(r"^#/components/responses/([^/]+)$")
_METHODS = ("get", "put", "post", "delete", "patch")
_JSON = "application/json"
_PROBLEM = "application/problem+json"
_OCTET = "application/octet-stream"
_TEXT = "text/plain"
_EVENTS = "text/event-stream"  # Server-Sent Events; the schema of each event's JSON data is x-event-data
_MULTIPART = "multipart/form-data"


class SpecError(ValueError):
    """The spec cannot be turned into code; the message names the place and what to change."""

    def __init__(self, source: str, where: str, message: str) -> None:
        super().__init__(f"{source}: {where}: {message}")


# -- types -----------------------------------------------------------------------------------------


class TypeRef:
    """A schema as a type: its annotation and the expressions converting to and from JSON values."""

    @property
    def python(self) -> str:
        """The Python annotation."""
        raise TypeError(f"{type(self).__name__} does not define python")

    @property
    def typescript(self) -> str:
        """The TypeScript type."""
        raise TypeError(f"{type(self).__name__} does not define typescript")

    def from_json(self, expr: str, depth: int = 0) -> str:
        """Python expression turning the JSON value ``expr`` into this type."""
        return expr

    def to_json(self, expr: str, depth: int = 0) -> str:
        """Python expression turning ``expr`` of this type into a JSON value."""
        return expr

    def names(self) -> set[str]:
        """Generated classes this type refers to (to import them)."""
        return set()


@dataclasses.dataclass(frozen=True)
class Primitive(TypeRef):
    python_name: str
    typescript_name: str

    @property
    def python(self) -> str:
        return self.python_name

    @property
    def typescript(self) -> str:
        return self.typescript_name


@dataclasses.dataclass(frozen=True)
class Listing(TypeRef):
    item: TypeRef

    @property
    def python(self) -> str:
        return f"list[{self.item.python}]"

    @property
    def typescript(self) -> str:
        return f"Array<{self.item.typescript}>"

    def from_json(self, expr: str, depth: int = 0) -> str:
        var = f"item{depth}" if depth else "item"
        inner = self.item.from_json(var, depth + 1)
        return f"list({expr})" if inner == var else f"[{inner} for {var} in {expr}]"

    def to_json(self, expr: str, depth: int = 0) -> str:
        var = f"item{depth}" if depth else "item"
        inner = self.item.to_json(var, depth + 1)
        return f"list({expr})" if inner == var else f"[{inner} for {var} in {expr}]"

    def names(self) -> set[str]:
        return self.item.names()


@dataclasses.dataclass(frozen=True)
class Dictionary(TypeRef):
    value: TypeRef

    @property
    def python(self) -> str:
        return f"dict[str, {self.value.python}]"

    @property
    def typescript(self) -> str:
        return f"Record<string, {self.value.typescript}>"

    def from_json(self, expr: str, depth: int = 0) -> str:
        key, var = f"key{depth}", f"value{depth}"
        inner = self.value.from_json(var, depth + 1)
        return f"dict({expr})" if inner == var else f"{{{key}: {inner} for {key}, {var} in {expr}.items()}}"

    def to_json(self, expr: str, depth: int = 0) -> str:
        key, var = f"key{depth}", f"value{depth}"
        inner = self.value.to_json(var, depth + 1)
        return f"dict({expr})" if inner == var else f"{{{key}: {inner} for {key}, {var} in {expr}.items()}}"

    def names(self) -> set[str]:
        return self.value.names()


@dataclasses.dataclass(frozen=True)
class ModelRef(TypeRef):
    name: str

    @property
    def python(self) -> str:
        return self.name

    @property
    def typescript(self) -> str:
        return self.name

    def from_json(self, expr: str, depth: int = 0) -> str:
        return f"{self.name}.from_dict({expr})"

    def to_json(self, expr: str, depth: int = 0) -> str:
        return f"{expr}.to_dict()"

    def names(self) -> set[str]:
        return {self.name}


@dataclasses.dataclass(frozen=True)
class EnumRef(TypeRef):
    name: str

    @property
    def python(self) -> str:
        return self.name

    @property
    def typescript(self) -> str:
        return self.name

    def from_json(self, expr: str, depth: int = 0) -> str:
        return f"{self.name}({expr})"

    def to_json(self, expr: str, depth: int = 0) -> str:
        # str() of a StrEnum member is its value, and a plain string passes through unchanged.
        return f"str({expr})"

    def names(self) -> set[str]:
        return {self.name}


STRING = Primitive("str", "string")
INTEGER = Primitive("int", "number")
NUMBER = Primitive("float", "number")
BOOLEAN = Primitive("bool", "boolean")
BINARY = Primitive("bytes", "Blob")
_PRIMITIVES = {"integer": INTEGER, "number": NUMBER, "boolean": BOOLEAN}
ANY = Primitive("Any", "unknown")
# A multipart array of files: (file name, content) pairs.
NAMED_FILES = Listing(Primitive("tuple[str, bytes]", "[string, Blob]"))


# -- documentation ---------------------------------------------------------------------------------


def _text(*parts: str | None) -> str:
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


# -- models ----------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Field:
    """One property of a model."""

    name: str
    python_name: str
    type: TypeRef
    required: bool
    description: str

    @property
    def annotation(self) -> str:
        return self.type.python if self.required else f"{self.type.python} | None"

    @property
    def declaration(self) -> str:
        return f"{self.python_name}: {self.annotation}" + ("" if self.required else " = None")

    @property
    def from_dict(self) -> str:
        """``python_name=<expression reading data>``."""
        key = json.dumps(self.name)
        if self.required:
            return f"{self.python_name}={self.type.from_json(f'data[{key}]')}"
        converted = self.type.from_json(f"data[{key}]")
        if converted == f"data[{key}]":
            return f"{self.python_name}=data.get({key})"
        return f"{self.python_name}=None if data.get({key}) is None else {converted}"

    @property
    def to_dict(self) -> str:
        """Expression of the JSON value, None when an optional field is None."""
        value = self.type.to_json(f"self.{self.python_name}")
        if self.required or value == f"self.{self.python_name}":
            return value
        return f"None if self.{self.python_name} is None else {value}"

    @property
    def key(self) -> str:
        return json.dumps(self.name)

    @property
    def typescript_declaration(self) -> str:
        key = self.name if re.fullmatch(r"[A-Za-z_$][A-Za-z0-9_$]*", self.name) else json.dumps(self.name)
        return f"{key}{'' if self.required else '?'}: {self.type.typescript};"


@dataclasses.dataclass(frozen=True)
class Model:
    """An object schema: a dataclass with ``from_dict``/``to_dict``, or a TypeScript interface."""

    name: str
    module: str
    description: str
    fields: tuple[Field, ...]

    @property
    def referenced(self) -> list[str]:
        """Other generated classes this model's fields use."""
        return sorted({name for f in self.fields for name in f.type.names()} - {self.name})

    @property
    def doc(self) -> str:
        lines = [f"{f.python_name}: {f.description}" for f in self.fields]
        return _text(self.description, "Attributes:\n" + "\n".join(lines) if lines else None)


@dataclasses.dataclass(frozen=True)
class Enum:
    """A string enum: a ``StrEnum`` or a TypeScript union of string literals."""

    name: str
    module: str
    description: str
    values: tuple[str, ...]

    @property
    def members(self) -> list[tuple[str, str]]:
        return [(naming.upper_snake(value), json.dumps(value)) for value in self.values]

    @property
    def typescript_union(self) -> str:
        return " | ".join(json.dumps(value) for value in self.values)


# -- operations ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ClientOption:
    """A header every operation declares with ``x-client-option: NAME``: a keyword of the client, sent on
    each request, instead of an argument of each operation function. An HTTP bearer security scheme
    with ``x-client-option`` is one too: its value goes in ``Authorization`` after ``Bearer``."""

    name: str
    header: str
    description: str
    prefix: str = ""  # put before the value in the header

    @property
    def key(self) -> str:
        return json.dumps(self.header)

    @property
    def typescript_name(self) -> str:
        return naming.camel(self.name)

    @property
    def python_value(self) -> str:
        return f"{json.dumps(self.prefix)} + {self.name}" if self.prefix else self.name

    @property
    def typescript_value(self) -> str:
        value = f"this.options.{self.typescript_name}"
        return f"{json.dumps(self.prefix)} + {value}" if self.prefix else value


@dataclasses.dataclass(frozen=True)
class Parameter:
    """A path, query or header parameter, or one part of a multipart body."""

    name: str
    python_name: str
    location: str
    type: TypeRef
    required: bool
    description: str
    explode: bool = True
    client_option: str = ""  # ``x-client-option``: set once on the client, not on each call

    @property
    def annotation(self) -> str:
        return self.type.python if self.required else f"{self.type.python} | None"

    @property
    def signature(self) -> str:
        return f"{self.python_name}: {self.annotation}" + ("" if self.required else " = None")

    @property
    def key(self) -> str:
        return json.dumps(self.name)

    @property
    def wire(self) -> str:
        """Expression of the value sent, ``None`` when an optional parameter is not given."""
        value = self.type.to_json(self.python_name)
        if isinstance(self.type, Listing) and not self.explode:
            value = f'",".join({self.type.item.to_json("item")} for item in {self.python_name})'
        elif isinstance(self.type, Primitive) and self.location == "header":
            value = f"str({self.python_name})"
        if self.required or value == self.python_name:
            return value
        return f"None if {self.python_name} is None else {value}"

    @property
    def file_parts(self) -> str:
        """Multipart: expression giving this part's list of ``(field, (filename, bytes, type))``."""
        if isinstance(self.type, Listing):
            return f"many_files({self.key}, {self.python_name})"
        return f"one_file({self.key}, {self.python_name})"

    @property
    def typescript_name(self) -> str:
        return naming.camel(self.name)

    @property
    def typescript_signature(self) -> str:
        return f"{self.typescript_name}{'' if self.required else '?'}: {self.type.typescript}"


@dataclasses.dataclass(frozen=True)
class Body:
    """A request body: JSON (a model), raw bytes, or multipart parts."""

    kind: str  # "json", "octet" or "multipart"
    type: TypeRef
    required: bool
    description: str
    parts: tuple[Parameter, ...] = ()

    @property
    def parameters(self) -> tuple[Parameter, ...]:
        """The function parameters the body becomes."""
        if self.kind == "multipart":
            return self.parts
        return (Parameter("body", "body", "body", self.type, self.required, self.description or "Request body."),)

    @property
    def request_items(self) -> list[tuple[str, str]]:
        if self.kind == "json":
            return [("json", self.type.to_json("body"))]
        if self.kind == "octet":
            return [("content", "body")]
        files = [p for p in self.parts if p.type in (BINARY, NAMED_FILES)]
        data = [p for p in self.parts if p not in files]
        items = [("files", "[" + ", ".join(f"*{p.file_parts}" for p in files) + "]")]
        if data:
            items.append(("data", "present({" + ", ".join(f"{p.key}: {p.wire}" for p in data) + "})"))
        return items


@dataclasses.dataclass(frozen=True)
class Outcome:
    """A documented 2xx response."""

    status: int
    kind: str  # "json", "octet", "text", "events" or "empty"
    type: TypeRef | None  # of the body; of each event's data for "events"
    description: str

    @property
    def python(self) -> str:
        return self.type.python if self.type else "None"

    @property
    def typescript(self) -> str:
        return self.type.typescript if self.type else "void"

    @property
    def parse(self) -> str:
        if self.kind == "json" and self.type is not None:
            return self.type.from_json("response.json()")
        if self.kind == "events" and self.type is not None:
            return self.type.from_json("json.loads(event.data)")
        return {"octet": "response.content", "text": "response.text"}.get(self.kind, "None")

    @property
    def typescript_read(self) -> str:
        if self.kind == "json":
            return f"(await response.json()) as {self.typescript}"
        return {"octet": "await response.blob()", "text": "await response.text()"}.get(self.kind, "undefined")


@dataclasses.dataclass(frozen=True)
class Operation:
    """One operation: the module ``api/<tag>/<id>.py`` or one TypeScript function."""

    id: str
    tag: str
    method: str
    path: str
    summary: str
    description: str
    parameters: tuple[Parameter, ...]
    body: Body | None
    outcomes: tuple[Outcome, ...]
    error_statuses: tuple[int, ...]
    has_default: bool

    @property
    def module(self) -> str:
        return naming.python_identifier(self.id)

    @property
    def arguments(self) -> tuple[Parameter, ...]:
        """Every keyword argument of the generated functions, required ones first."""
        every = [p for p in self.parameters if p.location == "path"]
        every += list(self.body.parameters if self.body else ())
        every += [p for p in self.parameters if p.location != "path"]
        return tuple(sorted(every, key=lambda p: not p.required))

    @property
    def signature(self) -> str:
        return "".join(f", {p.signature}" for p in self.arguments)

    @property
    def call(self) -> str:
        return "".join(f", {p.python_name}={p.python_name}" for p in self.arguments)

    @property
    def request_signature(self) -> str:
        return "*" + self.signature if self.arguments else ""

    @property
    def request_call(self) -> str:
        return self.call.removeprefix(", ")

    @property
    def models_import(self) -> str:
        return f"from ...models import {', '.join(self.referenced)}" if self.referenced else ""

    @property
    def returns(self) -> str:
        return " | ".join(dict.fromkeys(o.python for o in self.outcomes))

    @property
    def streams(self) -> bool:
        """Whether the answer is a stream of events (its one outcome has kind "events")."""
        return self.outcomes[0].kind == "events"

    @property
    def url(self) -> str:
        template = self.path
        for p in self.parameters:
            if p.location == "path":
                template = template.replace(f"{{{p.name}}}", f'{{quote(str({p.python_name}), safe="")}}')
        return f'f"{template}"' if template != self.path else json.dumps(self.path)

    @property
    def request_items(self) -> list[tuple[str, str]]:
        """``(keyword, expression)`` pairs for ``httpx.Client.request``."""
        items = [("method", json.dumps(self.method.upper())), ("url", self.url)]
        for location, keyword in (("query", "params"), ("header", "headers")):
            chosen = [p for p in self.parameters if p.location == location]
            if chosen:
                items.append((keyword, "present({" + ", ".join(f"{p.key}: {p.wire}" for p in chosen) + "})"))
        return items + (self.body.request_items if self.body else [])

    @property
    def documented_errors(self) -> str:
        return "frozenset({" + ", ".join(map(str, self.error_statuses)) + "})" if self.error_statuses else "frozenset()"

    @property
    def referenced(self) -> list[str]:
        types = [p.type for p in self.arguments] + [o.type for o in self.outcomes if o.type]
        return sorted({name for t in types for name in t.names()})

    def doc(self, detailed: bool) -> str:
        """Docstring of ``sync``/``asyncio`` (or the ``_detailed`` variants)."""
        args = "\n".join(f"{p.python_name}: {p.description}" for p in self.arguments)
        outcome = "; ".join(f"{o.status}: {o.description}" for o in self.outcomes)
        returns = f"The whole response; ``parsed`` is the body ({outcome})." if detailed else f"{outcome}"
        raises = (
            "ApiError: the server answered with an error; its problem+json body is on the exception.\n"
            "UnexpectedStatus: the server answered with a status the spec does not document.\n"
            "httpx.HTTPError: the request could not be sent or no answer came."
        )
        if self.streams:
            args += (
                "\nretries: Tries in a row to reopen the stream after it was cut (a dropped connection, a server"
                " restart), each after the last event delivered (Last-Event-ID) and after a longer wait; 0: never."
            )
            raises = raises.replace("no answer came.", "no answer came, or the stream was cut and not reopened.")
        return _text(
            self.summary,
            self.description,
            "Args:\n" + args if args else None,
            "Returns:\n" + returns,
            "Raises:\n" + raises,
        )

    @property
    def module_doc(self) -> str:
        return _text(f"``{self.method.upper()} {self.path}``: {self.summary}", self.description)

    # -- gate skeleton handlers (connexion passes parameters by their names in the spec, the body as ``body``)

    @property
    def handler_signature(self) -> str:
        arguments = []
        for p in self.arguments:
            if not p.name.isidentifier():
                raise ValueError(
                    f"{self.id}: parameter {p.name!r} is not a Python identifier; a handler cannot take it"
                )
            annotation = p.type.python if isinstance(p.type, Primitive) else "Any"
            if p.location == "body" and self.body is not None and self.body.kind == "json":
                annotation = "dict[str, Any]"
            arguments.append(f"{p.name}: {annotation}" if p.required else f"{p.name}: {annotation} | None = None")
        return "".join(f", {a}" for a in arguments)

    @property
    def handler_doc(self) -> str:
        answers = "\n".join(f"{o.status}: {o.description} ({o.python if o.type else 'no body'})" for o in self.outcomes)
        args = "\n".join(f"{p.name}: {p.description}" for p in self.arguments)
        return _text(
            f"``{self.method.upper()} {self.path}``: {self.summary}",
            self.description,
            "Args:\n" + args if args else None,
            "Returns:\n" + answers,
        )

    # -- TypeScript

    @property
    def typescript_name(self) -> str:
        return naming.camel(self.id)

    @property
    def typescript_returns(self) -> str:
        if self.streams:
            return f"AsyncGenerator<{self.outcomes[0].typescript}>"
        return "Promise<" + " | ".join(dict.fromkeys(o.typescript for o in self.outcomes)) + ">"

    @property
    def typescript_args(self) -> str:
        """The ``args`` parameter: every argument of the operation as one object."""
        if not self.arguments:
            return ""
        members = " ".join(f"{p.typescript_signature};" for p in self.arguments)
        return f", args: {{ {members} }}" + ("" if any(p.required for p in self.arguments) else " = {}")

    @property
    def typescript_path(self) -> str:
        template = self.path
        for p in self.parameters:
            if p.location == "path":
                value = f"${{encodeURIComponent(String(args.{p.typescript_name}))}}"
                template = template.replace(f"{{{p.name}}}", value)
        return f"`{template}`"

    def _typescript_values(self, location: str) -> str:
        values = []
        for p in self.parameters:
            if p.location == location:
                value = f"args.{p.typescript_name}"
                if isinstance(p.type, Listing) and not p.explode:
                    value += '?.join(",")' if not p.required else '.join(",")'
                values.append(f"{json.dumps(p.name)}: {value}")
        return "{ " + ", ".join(values) + " }" if values else "{}"

    @property
    def typescript_query(self) -> str:
        return self._typescript_values("query")

    @property
    def typescript_headers(self) -> str:
        return self._typescript_values("header")

    @property
    def typescript_body(self) -> str:
        """``[body, content type]`` expressions of the request body."""
        if self.body is None:
            return "undefined"
        if self.body.kind == "json":
            return "{ json: args.body }"
        if self.body.kind == "octet":
            return "{ bytes: args.body }"
        parts = []
        for p in self.body.parts:
            if p.type == NAMED_FILES:
                pairs = f"(args.{p.typescript_name} ?? [])"
                parts.append(f"...{pairs}.map(([name, file]) => [{p.key}, file, name] as const)")
            elif p.type == BINARY:
                parts.append(f"[{p.key}, args.{p.typescript_name}, {p.key}] as const")
            else:
                parts.append(f"[{p.key}, args.{p.typescript_name}] as const")
        return "{ form: [" + ", ".join(parts) + "] }"

    @property
    def typescript_doc(self) -> str:
        args = "\n".join(f"@param args.{p.typescript_name} {p.description}" for p in self.arguments)
        if self.streams:
            args += (
                "\n@param retries Tries in a row to reopen the stream after it was cut (a dropped connection, a"
                " server restart), each after the last event delivered (Last-Event-ID) and a longer wait; 0: never."
            )
        outcome = "; ".join(f"{o.status}: {o.description}" for o in self.outcomes)
        return _text(
            f"{self.method.upper()} {self.path}: {self.summary}",
            self.description,
            args or None,
            f"@returns {outcome}",
            "@throws ApiError when the server answers with an error (problem+json).",
        )


@dataclasses.dataclass(frozen=True)
class Tag:
    """A tag: the package ``api/<tag>/`` holding its operations."""

    name: str
    module: str
    description: str
    operations: tuple[Operation, ...]

    @property
    def doc(self) -> str:
        return self.description or f"Operations tagged {self.name}."


@dataclasses.dataclass(frozen=True)
class Api:
    """Everything generated from one spec."""

    source: str
    title: str
    description: str
    models: tuple[Model, ...]
    enums: tuple[Enum, ...]
    tags: tuple[Tag, ...]
    client_options: tuple[ClientOption, ...] = ()

    @property
    def operations(self) -> Iterator[Operation]:
        for tag in self.tags:
            yield from tag.operations

    @property
    def streams(self) -> bool:
        """Whether some operation answers with a stream of events."""
        return any(op.streams for op in self.operations)

    @property
    def class_names(self) -> list[str]:
        return sorted([m.name for m in self.models] + [e.name for e in self.enums])

    @property
    def doc(self) -> str:
        return _text(self.title, self.description)


# -- building --------------------------------------------------------------------------------------


class _Builder:
    def __init__(self, document: Mapping[str, Any], source: str) -> None:
        self.document = document
        self.source = source
        self.schemas: Mapping[str, Any] = document.get("components", {}).get("schemas", {})
        self.models: dict[str, Model] = {}
        self.enums: dict[str, Enum] = {}
        self.building: set[str] = set()
        self.client_options: dict[str, ClientOption] = {}
        self.declared: dict[str, set[str]] = {}  # operationId -> its client options

    def fail(self, where: str, message: str) -> SpecError:
        return SpecError(self.source, where, message)

    def lookup(self, section: str, pattern: re.Pattern[str], ref: object, where: str) -> tuple[str, Any]:
        match = pattern.match(ref) if isinstance(ref, str) else None
        if match is None:
            raise self.fail(where, f"$ref {ref!r} is not a local '#/components/{section}/NAME' reference")
        found = self.document.get("components", {}).get(section, {}).get(match.group(1))
        if found is None:
            raise self.fail(where, f"$ref {ref!r} points at nothing: no {section} named {match.group(1)!r}")
        return match.group(1), found

    # schemas

    def type_of(self, schema: Any, where: str, name_if_inline: str) -> TypeRef:
        if not isinstance(schema, Mapping):
            raise self.fail(where, "a schema must be a mapping")
        if "$ref" in schema:
            name, target = self.lookup("schemas", _SCHEMA_REF, schema["$ref"], where)
            return self.named(name, target, f"components/schemas/{name}")
        for composition in ("allOf", "oneOf", "anyOf", "not"):
            if composition in schema:
                raise self.fail(where, f"{composition} is not supported by the generator; use one named schema")
        kind = schema.get("type")
        if kind == "string" and "enum" in schema:
            return self.enum(name_if_inline, schema, where)
        if kind == "string":
            return BINARY if schema.get("format") == "binary" else STRING
        if kind in _PRIMITIVES:
            return _PRIMITIVES[kind]
        return self.container(schema, where, name_if_inline)

    def container(self, schema: Mapping[str, Any], where: str, name_if_inline: str) -> TypeRef:
        kind = schema.get("type")
        if kind == "array":
            if "items" not in schema:
                raise self.fail(where, "an array schema needs 'items'")
            return Listing(self.type_of(schema["items"], f"{where}/items", name_if_inline + "Item"))
        if kind == "object" and "properties" not in schema:
            extra = schema.get("additionalProperties", True)
            value = self.type_of(extra, f"{where}/additionalProperties", name_if_inline) if extra is not True else ANY
            return Dictionary(value)
        if kind == "object":
            raise self.fail(where, "an inline object with properties needs a name: move it to components/schemas")
        raise self.fail(
            where, f"schema type {kind!r} is not supported (use string, integer, number, boolean, array or object)"
        )

    def named(self, name: str, schema: Any, where: str) -> TypeRef:
        if not isinstance(schema, Mapping):
            raise self.fail(where, "a schema must be a mapping")
        class_name = naming.pascal(name)
        if schema.get("type") == "object" and "properties" in schema:
            if class_name not in self.models and class_name not in self.building:
                self.building.add(class_name)
                self.models[class_name] = self.model(class_name, schema, where)
            return ModelRef(class_name)
        return self.type_of(schema, where, class_name)

    def model(self, name: str, schema: Mapping[str, Any], where: str) -> Model:
        required = schema.get("required", [])
        unknown = set(required) - set(schema["properties"])
        if unknown:
            raise self.fail(where, f"required names properties that do not exist: {', '.join(sorted(unknown))}")
        fields = []
        for key, prop in schema["properties"].items():
            here = f"{where}/properties/{key}"
            field_type = self.type_of(prop, here, name + naming.pascal(key))
            description = self.description_of(prop, here)
            fields.append(
                Field(key, naming.python_identifier(key), field_type, key in required, description or f"The {key}.")
            )
        self.unique([f.python_name for f in fields], where, "property names that give the same Python name")
        description = schema.get("description") or f"The {name} schema."
        return Model(name, naming.snake(name), description, tuple(fields))

    def description_of(self, schema: Mapping[str, Any], where: str) -> str:
        """A schema's description, or the one of the schema it refers to."""
        if not schema.get("description") and "$ref" in schema:
            _, schema = self.lookup("schemas", _SCHEMA_REF, schema["$ref"], where)
        return str(schema.get("description", ""))

    def enum(self, name: str, schema: Mapping[str, Any], where: str) -> EnumRef:
        values = tuple(str(v) for v in schema["enum"])
        known = self.enums.get(name)
        if known is not None and known.values != values:
            raise self.fail(where, f"two different enums would both be named {name}")
        self.unique([naming.upper_snake(v) for v in values], where, "enum values that give the same member name")
        description = schema.get("description") or f"The values of {name}."
        self.enums[name] = Enum(name, naming.snake(name), description, values)
        return EnumRef(name)

    def unique(self, names: list[str], where: str, what: str) -> None:
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise self.fail(where, f"{what}: {', '.join(repeated)}")

    # operations

    def parameter(self, raw: Any, where: str, operation_name: str) -> Parameter:
        if isinstance(raw, Mapping) and "$ref" in raw:
            _, raw = self.lookup("parameters", _PARAMETER_REF, raw["$ref"], where)
        if not isinstance(raw, Mapping) or "name" not in raw or "in" not in raw:
            raise self.fail(where, "a parameter needs 'name' and 'in'")
        if raw["in"] not in ("path", "query", "header"):
            raise self.fail(where, f"parameters in {raw['in']!r} are not supported (path, query, header)")
        name = raw["name"]
        here = f"{where}[{name}]"
        if "schema" not in raw:
            raise self.fail(here, "a parameter needs a 'schema'")
        param_type = self.type_of(raw["schema"], f"{here}/schema", operation_name + naming.pascal(name))
        required = bool(raw.get("required", False)) or raw["in"] == "path"
        option = raw.get("x-client-option", "")
        if option and (raw["in"] != "header" or required or param_type != STRING):
            raise self.fail(here, "x-client-option is for an optional header parameter of type string")
        if option and option != naming.python_identifier(option):
            raise self.fail(here, f"x-client-option {option!r} is not a Python keyword name such as 'acts_for'")
        return Parameter(
            name,
            naming.python_identifier(name),
            raw["in"],
            param_type,
            required,
            raw.get("description") or f"The {name} parameter.",
            explode=raw.get("explode", raw.get("style", "form") == "form"),
            client_option=option,
        )

    def body(self, raw: Any, where: str, operation_name: str) -> Body:
        content = raw.get("content", {}) if isinstance(raw, Mapping) else {}
        required = bool(raw.get("required", False))
        description = raw.get("description", "")
        if _JSON in content:
            body_type = self.type_of(content[_JSON].get("schema", {}), f"{where}/{_JSON}", operation_name + "Body")
            return Body("json", body_type, required, description)
        if _OCTET in content:
            return Body("octet", BINARY, required, description)
        if _MULTIPART in content:
            schema = content[_MULTIPART].get("schema", {})
            needed = set(schema.get("required", []))
            parts = []
            for key, prop in schema.get("properties", {}).items():
                here = f"{where}/{_MULTIPART}/{key}"
                part_type = self.type_of(prop, here, operation_name + naming.pascal(key))
                if part_type == Listing(BINARY):
                    part_type = NAMED_FILES
                parts.append(
                    Parameter(
                        key,
                        naming.python_identifier(key),
                        "multipart",
                        part_type,
                        required and key in needed,
                        prop.get("description") or f"The {key} part.",
                    )
                )
            return Body("multipart", ANY, required, description, tuple(parts))
        supported = f"{_JSON}, {_OCTET}, {_MULTIPART}"
        raise self.fail(where, f"request body media types {sorted(content)} are not supported ({supported})")

    def outcomes(self, responses: Any, where: str, operation_name: str) -> tuple[list[Outcome], list[int], bool]:
        if not isinstance(responses, Mapping) or not responses:
            raise self.fail(where, "an operation needs 'responses'")
        outcomes, errors = [], []
        for status, declared in responses.items():
            here = f"{where}/{status}"
            raw = declared
            if isinstance(declared, Mapping) and "$ref" in declared:
                _, raw = self.lookup("responses", _RESPONSE_REF, declared["$ref"], here)
            if str(status) == "default":
                continue
            if not str(status).isdigit():
                raise self.fail(here, f"status {status!r} is not a number (ranges like 2XX are not supported)")
            code = int(status)
            if not 200 <= code < 300:
                errors.append(code)
                continue
            outcomes.append(self.outcome(code, raw, here, operation_name))
        if not outcomes:
            raise self.fail(where, "an operation needs at least one 2xx response")
        if len(outcomes) > 1 and any(o.kind == "events" for o in outcomes):
            raise self.fail(where, f"an operation answering {_EVENTS} can have no other 2xx response")
        return outcomes, sorted(errors), "default" in responses

    def outcome(self, code: int, raw: Mapping[str, Any], here: str, operation_name: str) -> Outcome:
        """The 2xx response ``code`` (``raw``, its response object)."""
        content = raw.get("content") or {}
        description = raw.get("description", "")
        if _JSON in content:
            schema = content[_JSON].get("schema", {})
            return Outcome(
                code, "json", self.type_of(schema, f"{here}/{_JSON}", operation_name + "Response"), description
            )
        if _OCTET in content:
            return Outcome(code, "octet", BINARY, description)
        if _TEXT in content:
            return Outcome(code, "text", STRING, description)
        if _EVENTS in content:
            data = content[_EVENTS].get("x-event-data")
            if not data:
                raise self.fail(here, f"{_EVENTS} needs x-event-data: the schema of each event's JSON data")
            event_type = self.type_of(data, f"{here}/{_EVENTS}/x-event-data", operation_name + "Event")
            return Outcome(code, "events", event_type, description)
        if not content:
            return Outcome(code, "empty", None, description)
        raise self.fail(
            here, f"response media types {sorted(content)} are not supported ({_JSON}, {_OCTET}, {_EVENTS})"
        )

    def operation(self, path: str, method: str, raw: Mapping[str, Any], shared: list[Any]) -> Operation:
        where = f"paths/{path}/{method}"
        operation_id = raw.get("operationId")
        if not operation_id:
            raise self.fail(where, "operation has no operationId; give it a snake_case verb such as 'list_jobs'")
        if operation_id != naming.snake(operation_id):
            raise self.fail(where, f"operationId {operation_id!r} is not snake_case (STYLE.md: 'submit_job')")
        tags = raw.get("tags") or []
        if len(tags) != 1:
            raise self.fail(where, f"operation {operation_id} needs exactly one tag (it names the module); has {tags}")
        name = naming.pascal(operation_id)
        parameters = {}
        for index, item in enumerate([*shared, *raw.get("parameters", [])]):
            parameter = self.parameter(item, f"{where}/parameters/{index}", name)
            parameters[(parameter.name, parameter.location)] = parameter  # an operation's own overrides the path's
        body = self.body(raw["requestBody"], f"{where}/requestBody", name) if "requestBody" in raw else None
        arguments = [p.python_name for p in (*parameters.values(), *(body.parameters if body else ()))]
        self.unique(arguments, where, "parameters that give the same Python name")
        for parameter in parameters.values():
            if parameter.location == "path" and f"{{{parameter.name}}}" not in path:
                raise self.fail(where, f"path parameter {parameter.name!r} does not appear in the path")
        for placeholder in re.findall(r"\{([^}]+)\}", path):
            if (placeholder, "path") not in parameters:
                raise self.fail(where, f"path placeholder {{{placeholder}}} has no path parameter")
        outcomes, errors, has_default = self.outcomes(raw.get("responses"), f"{where}/responses", name)
        options = [p for p in parameters.values() if p.client_option]
        for parameter in options:
            option = ClientOption(parameter.client_option, parameter.name, parameter.description)
            if self.client_options.setdefault(option.name, option).header != option.header:
                raise self.fail(where, f"x-client-option {option.name!r} names two headers; give each its own option")
        self.declared[operation_id] = {p.client_option for p in options}
        return Operation(
            id=operation_id,
            tag=tags[0],
            method=method,
            path=path,
            summary=raw.get("summary") or operation_id.replace("_", " ").capitalize() + ".",
            description=raw.get("description", ""),
            parameters=tuple(p for p in parameters.values() if not p.client_option),
            body=body,
            outcomes=tuple(outcomes),
            error_statuses=tuple(errors),
            has_default=has_default,
        )

    def security_options(self) -> None:
        """The client options of security schemes (``x-client-option`` on an HTTP bearer scheme)."""
        schemes = (self.document.get("components") or {}).get("securitySchemes") or {}
        for name, raw in schemes.items():
            option = raw.get("x-client-option", "") if isinstance(raw, Mapping) else ""
            if not option:
                continue
            where = f"components/securitySchemes/{name}"
            if raw.get("type") != "http" or str(raw.get("scheme", "")).lower() != "bearer":
                raise self.fail(where, "x-client-option on a security scheme is for type http, scheme bearer")
            if option != naming.python_identifier(option) or option in self.client_options:
                raise self.fail(where, f"x-client-option {option!r} is not a Python keyword name of its own")
            description = raw.get("description") or "A bearer token."
            self.client_options[option] = ClientOption(option, "Authorization", description, prefix="Bearer ")

    def build(self) -> Api:
        info = self.document.get("info", {})
        operations: list[Operation] = []
        seen: dict[str, str] = {}
        for path, item in (self.document.get("paths") or {}).items():
            shared = item.get("parameters", [])
            for method in _METHODS:
                if method in item:
                    operation = self.operation(path, method, item[method], shared)
                    if operation.id in seen:
                        raise self.fail(
                            f"paths/{path}/{method}",
                            f"operationId {operation.id!r} is already used by {seen[operation.id]}; make it unique",
                        )
                    seen[operation.id] = f"{method.upper()} {path}"
                    operations.append(operation)
        for operation in operations:  # the client sends its options with every request
            missing = sorted(set(self.client_options) - self.declared[operation.id])
            if missing:
                raise self.fail(
                    f"paths/{operation.path}/{operation.method}",
                    f"operation {operation.id} does not declare the header of x-client-option {', '.join(missing)}; "
                    "the client sends it on every request, so declare it on every path",
                )
        self.security_options()
        for name, schema in self.schemas.items():
            self.named(name, schema, f"components/schemas/{name}")
        self.unique(
            [*self.models, *self.enums], "components/schemas", "schemas and inline enums that share a class name"
        )
        descriptions = {t["name"]: t.get("description", "") for t in self.document.get("tags", [])}
        tags = []
        for tag_name in dict.fromkeys(o.tag for o in operations):
            chosen = tuple(o for o in operations if o.tag == tag_name)
            tags.append(Tag(tag_name, naming.python_identifier(tag_name), descriptions.get(tag_name, ""), chosen))
        return Api(
            source=self.source,
            title=info.get("title", ""),
            description=info.get("description", ""),
            models=tuple(sorted(self.models.values(), key=lambda m: m.name)),
            enums=tuple(sorted(self.enums.values(), key=lambda e: e.name)),
            tags=tuple(tags),
            client_options=tuple(self.client_options.values()),
        )


def build_api(document: Mapping[str, Any], source: str) -> Api:
    """The :class:`Api` of a bundled OpenAPI ``document``; ``source`` names it in errors and headers."""
    return _Builder(document, source).build()
