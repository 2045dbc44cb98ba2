"""Kontor's one expression language: price rules and product assignment rules now, approval rules,
customer segments and workflow guards later.

An expression is a line of Python *expression* syntax, read by Python's own parser (:mod:`ast`) and
compiled, node by node from a whitelist, into nested closures: it is compiled once and evaluated many
times, and never reaches ``eval``, ``exec`` or ``getattr``.

Why not a library (measured on this machine, see ``benchmarks/expressions.py``): the
``common-expression-language`` package (CEL) turns a ``Decimal`` input into a binary float without a
word (``base.value * 0.9`` with ``Decimal("0.1")`` gives ``0.09000000000000001``) and its import
pulls a CLI (seconds here); ``cel-python`` refuses ``Decimal`` inputs, has doubles only and takes
milliseconds per evaluation; ``simpleeval`` reads ``0.9`` as a float (``Decimal * float`` fails) and
walks the tree on every evaluation. Prices need decimals end to end, so the language is this small
compiler.

What an expression can do, and nothing else:

- literals: numbers (always ``Decimal``, read from their source text: ``0.1`` is exactly one tenth),
  text in quotes, ``True``/``False``, lists (``["ACME", "Bosch"]``);
- read the inputs it is given by name (``product``, ``base``...), their declared fields
  (``product.sku``) and map entries (``product.attributes.cost`` or ``product.attributes["cost"]``);
  names starting with ``_`` do not exist, and a field is read from a mapping by key, never as a
  Python attribute, so no expression reaches ``__class__`` or anything else of the interpreter;
- ``+ - * / %`` on numbers (a decimal context of 28 digits; ``**`` does not exist), comparisons
  (chained too), ``in`` / ``not in`` (a list, a map's keys, a text), ``and`` / ``or`` / ``not``,
  ``x if condition else y``;
- call ``min``, ``max``, ``abs`` and ``round(x, digits)`` (half up), and no other function.

It is not Turing-complete: no loops, no definitions, no recursion; an evaluation does at most one step
per node, and a source holds at most :data:`MAX_SOURCE_LENGTH` characters, :data:`MAX_NODES` nodes,
nested at most :data:`MAX_DEPTH` deep. Types are checked at compile time where they are known (a
declared field); a map's values are checked when read. Problems found when compiling are
:class:`ExpressionError` (a ``ValueError`` with the line and column, for a 422); problems found when
evaluating (division by zero, a missing map entry, a value of the wrong type) are
:class:`EvaluationError`, never another exception.
"""

from __future__ import annotations

import ast
import operator as operator_module
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import (
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DecimalException,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)
from functools import lru_cache
from typing import Any, Final

MAX_SOURCE_LENGTH: Final = 2_000
MAX_NODES: Final = 400
MAX_DEPTH: Final = 32
MAX_ROUND_DIGITS: Final = 12

DECIMALS: Final = Context(
    prec=28,
    rounding=ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)
"""Every operation of an expression runs in this context (28 significant digits), whatever the thread's."""

Run = Callable[[Mapping[str, Any]], Any]


# Types ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Type:
    """A value's type as the language knows it (``VALUE``: known only when read)."""

    name: str

    def __str__(self) -> str:
        return self.name


NUMBER: Final = Type("number")
TEXT: Final = Type("text")
BOOLEAN: Final = Type("boolean")
VALUE: Final = Type("value")
"""A map's value whose type is only known when read (a number, a text, a boolean or a list of text)."""


@dataclass(frozen=True)
class ListOf(Type):
    items: Type = TEXT


@dataclass(frozen=True)
class MapOf(Type):
    """Entries read by key (``product.attributes.cost``); a missing entry is an evaluation error."""

    values: Type = VALUE


@dataclass(frozen=True)
class Record(Type):
    """A mapping with declared fields, each of a known type."""

    fields: tuple[tuple[str, Type], ...] = ()

    def field(self, name: str) -> Type | None:
        return dict(self.fields).get(name)

    @property
    def field_names(self) -> list[str]:
        return [name for name, _ in self.fields]


TEXT_LIST: Final = ListOf("list of text", TEXT)


def record(name: str, **fields: Type) -> Record:
    """A record type; also the scope of an expression (its top-level names)."""
    return Record(name, tuple(sorted(fields.items())))


def map_of(values: Type) -> MapOf:
    return MapOf(f"map of {values}", values)


# Failures ------------------------------------------------------------------------------------------


class ExpressionError(ValueError):
    """An expression that does not compile: what is wrong, and where (1-based line and column)."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(f"line {line}, column {column}: {message}")
        self.message = message
        self.line = line
        self.column = column


class EvaluationError(Exception):
    """A compiled expression that could not give a value for these inputs (not a bug, not a crash)."""


# Compiled expression ------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Expression:
    """A compiled expression: evaluate it as often as needed; it reads nothing but its inputs.

    ``references`` are the dotted paths it reads (``product.attributes.cost``, ``base.value``),
    ``tested`` the text constants it looks for in a list (``"cat_01..." in product.category_ids``), by
    path, and ``opaque`` the list paths it uses any other way (every value of them matters).
    """

    source: str
    result: Type
    references: frozenset[str]
    tested: Mapping[str, frozenset[str]]
    opaque: frozenset[str]
    _run: Run = field(repr=False)

    @property
    def names(self) -> frozenset[str]:
        """The top-level input names it reads (``product``, ``base``)."""
        return frozenset(path.split(".", 1)[0] for path in self.references)

    def evaluate(self, inputs: Mapping[str, Any]) -> Any:
        """Its value for ``inputs`` (a ``Decimal``, a text, a boolean...), or :class:`EvaluationError`."""
        try:
            value = self._run(inputs)
        except DivisionByZero:
            raise EvaluationError("division by zero") from None
        except Overflow:
            raise EvaluationError("a number grew out of range") from None
        except DecimalException as error:
            raise EvaluationError(f"invalid arithmetic ({type(error).__name__})") from None
        return value


def compile_expression(source: str, scope: Record, result: Type) -> Expression:
    """``source`` compiled against the names of ``scope``, giving a ``result`` (``VALUE``: any type).

    Raises :class:`ExpressionError`. Compiled expressions are cached per source, scope and result.
    """
    if not isinstance(source, str):
        raise ExpressionError("an expression is a text")
    return _cached_build(source, scope, result)


def build_expression(source: str, scope: Record, result: Type) -> Expression:
    """:func:`compile_expression` without its cache: parses and compiles on every call."""
    if len(source) > MAX_SOURCE_LENGTH:
        raise ExpressionError(f"is longer than {MAX_SOURCE_LENGTH} characters")
    if not source.strip():
        raise ExpressionError("is empty")
    text = source.strip()
    # positions are reported in ``source`` as given, leading blanks and lines included
    lead = source[: len(source) - len(source.lstrip())]
    shift = (lead.count("\n"), len(lead.rsplit("\n", 1)[-1]))
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        lines = text.splitlines()
        line = min(error.lineno or 1, len(lines))
        # the parser says column 0 when the text ends too early: point just past its end
        column = error.offset or len(lines[line - 1]) + 1
        raise ExpressionError(
            f"syntax error: {error.msg}", line + shift[0], column + (shift[1] if line == 1 else 0)
        ) from None
    except (ValueError, MemoryError, RecursionError):
        raise ExpressionError("cannot be read (null bytes or nesting too deep)") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise ExpressionError(f"has more than {MAX_NODES} parts")
    compiler = _Compiler(text, scope, shift)
    compiled = compiler.operand(tree.body, 0)
    if result is not VALUE and compiled.type is not VALUE and compiled.type != result:
        raise ExpressionError(f"must give a {result}, this gives a {compiled.type}")
    return Expression(
        source=source,
        result=result,
        references=frozenset(compiler.references),
        tested={path: frozenset(values) for path, values in compiler.tested.items()},
        opaque=frozenset(compiler.opaque),
        _run=compiled.run
        if result in (VALUE, compiled.type)
        else _checked(compiled.run, result, "the result"),
    )


_cached_build = lru_cache(maxsize=2048)(build_expression)


# Runtime checks ------------------------------------------------------------------------------------

_LISTS = (list, tuple, frozenset, set)


def _is_list(value: Any) -> bool:
    return type(value) in _LISTS or isinstance(value, _LISTS)


def _is_mapping(value: Any) -> bool:
    return type(value) is dict or isinstance(value, Mapping)


def _is_value(value: Any) -> bool:
    return type(value) in (Decimal, str, bool) or _is_list(value)


def _predicate(expected: Type) -> Callable[[Any], bool]:
    """Whether a value is of ``expected`` type: Python's ``bool`` is no number, and a float never is."""
    if expected is VALUE:
        return _is_value
    if expected is NUMBER:
        return lambda value: type(value) is Decimal and value.is_finite()
    if expected is TEXT:
        return lambda value: type(value) is str
    if expected is BOOLEAN:
        return lambda value: type(value) is bool
    if isinstance(expected, ListOf):
        return _is_list
    return _is_mapping  # a record or a map


def _checked(run: Run, expected: Type, what: str) -> Run:
    """``run``, its value checked to be of ``expected`` type when read."""
    ok = _predicate(expected)

    def checked(inputs: Mapping[str, Any]) -> Any:
        value = run(inputs)
        if not ok(value):
            raise EvaluationError(f"{what} is a {type(value).__name__}, not a {expected}")
        return value

    return checked


def _equal(left: Any, right: Any) -> bool:
    """Equality without Python's ``True == 1``."""
    if type(left) is bool or type(right) is bool:
        return left is right
    return bool(left == right)


def _ordered(left: Any, right: Any, what: str) -> None:
    kinds = (type(left), type(right))
    if kinds not in ((Decimal, Decimal), (str, str)):
        raise EvaluationError(f"{what} compares values that have no order between them")


def _member(item: Any, container: Any, what: str) -> bool:
    if isinstance(container, str):
        if type(item) is not str:
            raise EvaluationError(f"{what} looks for a non-text in a text")
        return item in container
    if isinstance(container, Mapping):
        return type(item) is str and item in container
    if isinstance(container, _LISTS):
        return any(_equal(item, element) for element in container)
    raise EvaluationError(f"{what} looks into a value that is not a list, a map or a text")


# Compiler ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Compiled:
    run: Run
    type: Type
    path: str | None = None  # the dotted input path it reads, if it is a read
    steps: tuple[_Step, ...] = ()  # how it reads that path, if it is a read
    constant: Any = None  # its value, if it is a literal
    is_constant: bool = False


@dataclass(frozen=True)
class _Step:
    """One key of a read path: the path so far, the check of the value found, what its absence says."""

    key: str
    path: str
    expected: Type
    ok: Callable[[Any], bool]
    missing: str


def _path_reader(steps: tuple[_Step, ...]) -> Run:
    """One closure reading a whole path (``product.attributes.cost``), each value checked on the way."""

    def read(inputs: Mapping[str, Any]) -> Any:
        value: Any = inputs
        for step in steps:
            try:
                value = value[step.key]
            except KeyError:
                raise EvaluationError(step.missing) from None
            if not step.ok(value):
                raise EvaluationError(f"{step.path} is a {type(value).__name__}, not a {step.expected}")
        return value

    return read


_ARITHMETIC: Final[dict[type[ast.operator], Callable[[Any, Any], Decimal]]] = {
    ast.Add: DECIMALS.add,
    ast.Sub: DECIMALS.subtract,
    ast.Mult: DECIMALS.multiply,
    ast.Div: DECIMALS.divide,
    ast.Mod: DECIMALS.remainder,
}
_ORDERINGS: Final[dict[type[ast.cmpop], Callable[[Any, Any], bool]]] = {
    ast.Lt: operator_module.lt,
    ast.LtE: operator_module.le,
    ast.Gt: operator_module.gt,
    ast.GtE: operator_module.ge,
}
_OPERATOR_NAMES: Final[dict[type[ast.AST], str]] = {
    ast.Pow: "** (powers)",
    ast.FloorDiv: "//",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.Invert: "~",
    ast.Is: "is",
    ast.IsNot: "is not",
}
_NODE_NAMES: Final[dict[type[ast.AST], str]] = {
    ast.Lambda: "lambda",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a generator",
    ast.NamedExpr: ":= (assignment)",
    ast.JoinedStr: "an f-string",
    ast.Starred: "* (unpacking)",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.Slice: "a slice",
    ast.Dict: "a dict literal",
    ast.Set: "a set literal",
    ast.Tuple: "a tuple",
}
FUNCTIONS: Final = ("abs", "max", "min", "round")


class _Compiler:
    """Compiles a parsed expression node by node; a node type not in :attr:`handlers` is refused."""

    def __init__(self, source: str, scope: Record, shift: tuple[int, int]) -> None:
        self.source = source
        self.shift = shift
        self.lines = source.splitlines() or [""]
        self.scope = scope
        self.references: set[str] = set()
        self.tested: dict[str, set[str]] = {}
        self.opaque: set[str] = set()
        self.handlers: dict[type[ast.AST], Callable[[Any, int], _Compiled]] = {
            ast.Constant: self.constant,
            ast.Name: self.name,
            ast.Attribute: self.attribute,
            ast.Subscript: self.subscript,
            ast.List: self.list_display,
            ast.UnaryOp: self.unary,
            ast.BinOp: self.arithmetic,
            ast.BoolOp: self.logic,
            ast.Compare: self.compare,
            ast.IfExp: self.choice,
            ast.Call: self.call,
        }

    def error(self, node: ast.AST, message: str) -> ExpressionError:
        line = getattr(node, "lineno", 1)
        offset = getattr(node, "col_offset", 0)
        text = self.lines[line - 1] if line <= len(self.lines) else ""
        # ast counts columns in UTF-8 bytes; people count characters
        column = len(text.encode()[:offset].decode(errors="ignore")) + 1
        if line == 1:
            column += self.shift[1]
        return ExpressionError(message, line + self.shift[0], column)

    def node(self, node: ast.expr, depth: int) -> _Compiled:
        """A node compiled; a read is not recorded yet (``product`` in ``product.sku`` is no reference)."""
        if depth > MAX_DEPTH:
            raise self.error(node, f"is nested more than {MAX_DEPTH} levels deep")
        handler = self.handlers.get(type(node))
        if handler is None:
            name = _NODE_NAMES.get(type(node), type(node).__name__)
            raise self.error(node, f"{name} is not allowed in an expression")
        return handler(node, depth + 1)

    def operand(self, node: ast.expr, depth: int) -> _Compiled:
        """A node used as a value: its read is a reference, and a list or map read so matters whole."""
        compiled = self.node(node, depth)
        self.record(compiled, whole=True)
        return compiled

    def record(self, compiled: _Compiled, whole: bool) -> None:
        if compiled.path is None:
            return
        self.references.add(compiled.path)
        if whole and isinstance(compiled.type, ListOf | MapOf | Record):
            self.opaque.add(compiled.path)

    def expect(self, node: ast.expr, compiled: _Compiled, expected: Type, where: str) -> Run:
        """``compiled``'s run, its type checked when read if only known then (a wrong known type: refused)."""
        if compiled.type is VALUE:
            return _checked(compiled.run, expected, compiled.path or f"the value {where} uses")
        if compiled.type != expected:
            raise self.error(node, f"{where} needs a {expected}, not a {compiled.type}")
        return compiled.run

    # literals and reads

    def constant(self, node: ast.Constant, depth: int) -> _Compiled:
        value = node.value
        if isinstance(value, bool):
            return _literal(value, BOOLEAN)
        if isinstance(value, str):
            return _literal(value, TEXT)
        if isinstance(value, int | float):
            # the number as written (0.1 is one tenth), never the float Python's parser made of it
            text = ast.get_source_segment(self.source, node) or ""
            try:
                exact = Decimal(value) if isinstance(value, int) else Decimal(text.replace("_", ""))
                number = DECIMALS.create_decimal(exact)
            except (DecimalException, ValueError):
                raise self.error(node, f"the number {text[:40]} is out of range") from None
            if number != exact or not number.is_finite():
                raise self.error(node, f"the number {text[:40]} has more than {DECIMALS.prec} digits")
            return _literal(number, NUMBER)
        raise self.error(node, f"{type(value).__name__} literals are not allowed in an expression")

    def name(self, node: ast.Name, depth: int) -> _Compiled:
        name = node.id
        if name.startswith("_"):
            raise self.error(node, f"names starting with an underscore do not exist ({name!r})")
        expected = self.scope.field(name)
        if expected is None:
            if name in FUNCTIONS:
                raise self.error(node, f"{name} is a function: call it, as {name}(...)")
            known = ", ".join(self.scope.field_names) or "none"
            raise self.error(node, f"unknown name {name!r} (known: {known})")

        steps = (_Step(name, name, expected, _predicate(expected), f"no value was given for {name}"),)
        return _Compiled(_path_reader(steps), expected, path=name, steps=steps)

    def attribute(self, node: ast.Attribute, depth: int) -> _Compiled:
        return self.entry(node, self.node(node.value, depth), node.attr)

    def subscript(self, node: ast.Subscript, depth: int) -> _Compiled:
        owner = self.node(node.value, depth)
        key = node.slice
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            raise self.error(key, 'a key in [...] must be a text in quotes, like ["cost"]')
        return self.entry(node, owner, key.value)

    def entry(self, node: ast.expr, owner: _Compiled, key: str) -> _Compiled:
        """A field of a record or an entry of a map: read by key from a mapping, never as an attribute."""
        if key.startswith("_"):
            raise self.error(node, f"names starting with an underscore do not exist ({key!r})")
        where = owner.path or "this value"
        if isinstance(owner.type, Record):
            found = owner.type.field(key)
            if found is None:
                fields = ", ".join(owner.type.field_names)
                raise self.error(node, f"{where} has no field {key!r} (its fields: {fields})")
            expected = found
        elif isinstance(owner.type, MapOf):
            expected = owner.type.values
        else:
            raise self.error(node, f"{where} is a {owner.type}: it has no fields")
        # only reads give records and maps (a choice gives neither), so the owner is a path
        path = f"{owner.path}.{key}"
        steps = (*owner.steps, _Step(key, path, expected, _predicate(expected), f"{path} is missing"))
        return _Compiled(_path_reader(steps), expected, path=path, steps=steps)

    def list_display(self, node: ast.List, depth: int) -> _Compiled:
        items = [self.operand(item, depth) for item in node.elts]
        kinds = {item.type for item in items} - {VALUE}
        if len(kinds) > 1:
            raise self.error(node, "a list holds values of one type")
        item_type = kinds.pop() if kinds else TEXT
        if isinstance(item_type, ListOf | MapOf | Record):
            raise self.error(node, "a list holds numbers, texts or booleans")
        list_type = TEXT_LIST if item_type == TEXT else ListOf(f"list of {item_type}", item_type)
        if all(item.is_constant for item in items):
            return _literal(tuple(item.constant for item in items), list_type)
        runs = [item.run for item in items]
        return _Compiled(lambda inputs: tuple(run(inputs) for run in runs), list_type)

    # operators

    def unary(self, node: ast.UnaryOp, depth: int) -> _Compiled:
        operand = self.operand(node.operand, depth)
        if isinstance(node.op, ast.Not):
            run = self.expect(node.operand, operand, BOOLEAN, "not")
            return _Compiled(lambda inputs: not run(inputs), BOOLEAN)
        if isinstance(node.op, ast.USub):
            run = self.expect(node.operand, operand, NUMBER, "a minus sign")
            return _Compiled(lambda inputs: DECIMALS.minus(run(inputs)), NUMBER)
        if isinstance(node.op, ast.UAdd):
            run = self.expect(node.operand, operand, NUMBER, "a plus sign")
            return _Compiled(lambda inputs: DECIMALS.plus(run(inputs)), NUMBER)
        raise self.error(node, f"{_OPERATOR_NAMES.get(type(node.op), 'this operator')} is not allowed")

    def arithmetic(self, node: ast.BinOp, depth: int) -> _Compiled:
        operation = _ARITHMETIC.get(type(node.op))
        if operation is None:
            name = _OPERATOR_NAMES.get(type(node.op), type(node.op).__name__)
            raise self.error(node, f"{name} is not allowed in an expression")
        left = self.expect(node.left, self.operand(node.left, depth), NUMBER, "arithmetic")
        divisor = self.operand(node.right, depth)
        if isinstance(node.op, ast.Div | ast.Mod) and divisor.is_constant and divisor.constant == 0:
            raise self.error(node.right, "divides by zero")
        right = self.expect(node.right, divisor, NUMBER, "arithmetic")
        return _Compiled(lambda inputs: operation(left(inputs), right(inputs)), NUMBER)

    def logic(self, node: ast.BoolOp, depth: int) -> _Compiled:
        runs = [self.expect(value, self.operand(value, depth), BOOLEAN, "and/or") for value in node.values]
        if isinstance(node.op, ast.And):
            return _Compiled(lambda inputs: all(run(inputs) for run in runs), BOOLEAN)
        return _Compiled(lambda inputs: any(run(inputs) for run in runs), BOOLEAN)

    def compare(self, node: ast.Compare, depth: int) -> _Compiled:
        operands = [self.node(node.left, depth)] + [self.node(item, depth) for item in node.comparators]
        steps = [
            self.comparison(node, operator, operands[index], operands[index + 1])
            for index, operator in enumerate(node.ops)
        ]
        first, rest = operands[0].run, [operand.run for operand in operands[1:]]
        if len(steps) == 1:
            (step,), (second,) = steps, rest
            return _Compiled(lambda inputs: step(first(inputs), second(inputs)), BOOLEAN)

        def compare(inputs: Mapping[str, Any]) -> bool:
            left = first(inputs)
            for step, run in zip(steps, rest, strict=True):
                right = run(inputs)
                if not step(left, right):
                    return False
                left = right
            return True

        return _Compiled(compare, BOOLEAN)

    def comparison(
        self, node: ast.Compare, operator: ast.cmpop, left: _Compiled, right: _Compiled
    ) -> Callable[[Any, Any], bool]:
        what = f"{left.path or 'a value'} vs {right.path or 'a value'}"
        if isinstance(operator, ast.In | ast.NotIn):
            self.membership(node, left, right)
            # a text in a list, map or text known as such: Python's own test (a text equals only texts)
            known = left.type == TEXT and (right.type in (TEXT, TEXT_LIST) or isinstance(right.type, MapOf))
            if isinstance(operator, ast.In):
                return (lambda a, b: a in b) if known else lambda a, b: _member(a, b, what)
            return (lambda a, b: a not in b) if known else lambda a, b: not _member(a, b, what)
        self.record(left, whole=True)
        self.record(right, whole=True)
        if VALUE not in (left.type, right.type) and left.type != right.type:
            raise self.error(node, f"compares a {left.type} with a {right.type}")
        # numbers with numbers, texts with texts: Python's own (no True == 1 can come up)
        known = left.type == right.type and left.type in (NUMBER, TEXT)
        if isinstance(operator, ast.Eq):
            return operator_module.eq if known else _equal
        if isinstance(operator, ast.NotEq):
            return operator_module.ne if known else lambda a, b: not _equal(a, b)
        order = _ORDERINGS.get(type(operator))
        if order is None:
            name = _OPERATOR_NAMES.get(type(operator), type(operator).__name__)
            raise self.error(node, f"{name} is not allowed in an expression")
        for operand in (left, right):
            if operand.type not in (NUMBER, TEXT, VALUE):
                raise self.error(node, f"a {operand.type} has no order: compare numbers or texts")
        if known:
            return order

        def ordered(a: Any, b: Any) -> bool:
            _ordered(a, b, what)
            return order(a, b)

        return ordered

    def membership(self, node: ast.expr, item: _Compiled, container: _Compiled) -> None:
        """Checks ``item in container``; a constant looked for in an input list is recorded as tested."""
        kind = container.type
        if isinstance(kind, ListOf):
            if VALUE not in (item.type, kind.items) and item.type != kind.items:
                raise self.error(node, f"looks for a {item.type} in a {kind}")
        elif isinstance(kind, MapOf) or kind == TEXT:
            if item.type not in (TEXT, VALUE):
                raise self.error(node, f"looks for a {item.type} in a {kind}: only texts can be found there")
        elif kind is not VALUE:
            raise self.error(node, f"'in' needs a list, a map or a text, not a {kind}")
        self.record(item, whole=True)
        tested = item.is_constant and isinstance(item.constant, str)
        self.record(container, whole=not tested)
        if tested and container.path is not None:
            self.tested.setdefault(container.path, set()).add(item.constant)

    def choice(self, node: ast.IfExp, depth: int) -> _Compiled:
        test = self.expect(node.test, self.operand(node.test, depth), BOOLEAN, "a condition")
        body, orelse = self.operand(node.body, depth), self.operand(node.orelse, depth)
        if VALUE not in (body.type, orelse.type) and body.type != orelse.type:
            raise self.error(node, f"both branches must give one type, not a {body.type} and a {orelse.type}")
        kind = body.type if body.type is not VALUE else orelse.type
        if isinstance(kind, MapOf | Record):
            raise self.error(node, f"a choice gives a number, a text, a boolean or a list, not a {kind}")
        run_body, run_orelse = body.run, orelse.run
        return _Compiled(lambda inputs: run_body(inputs) if test(inputs) else run_orelse(inputs), kind)

    def call(self, node: ast.Call, depth: int) -> _Compiled:
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            raise self.error(node, f"only the functions {', '.join(FUNCTIONS)} can be called")
        name = node.func.id
        if node.keywords:
            raise self.error(node, f"{name}() takes no named arguments")
        arguments = [self.operand(argument, depth) for argument in node.args]
        runs = [
            self.expect(source, argument, NUMBER, f"{name}()")
            for source, argument in zip(node.args, arguments, strict=True)
        ]
        if name in ("min", "max"):
            if not runs:
                raise self.error(node, f"{name}() needs at least one number")
            pick = min if name == "min" else max
            return _Compiled(lambda inputs: pick(run(inputs) for run in runs), NUMBER)
        if name == "abs":
            if len(runs) != 1:
                raise self.error(node, "abs() takes one number")
            return _Compiled(lambda inputs: DECIMALS.abs(runs[0](inputs)), NUMBER)
        if len(arguments) != 2 or not arguments[1].is_constant:
            raise self.error(node, "round() takes a number and a count of digits, like round(x, 2)")
        digits = arguments[1].constant
        if digits != digits.to_integral_value() or not 0 <= digits <= MAX_ROUND_DIGITS:
            raise self.error(node, f"round() keeps 0 to {MAX_ROUND_DIGITS} digits")
        exponent = Decimal(1).scaleb(-int(digits))
        value = runs[0]
        return _Compiled(
            lambda inputs: value(inputs).quantize(exponent, rounding=ROUND_HALF_UP, context=DECIMALS), NUMBER
        )


def _literal(value: Any, kind: Type) -> _Compiled:
    return _Compiled(lambda _inputs: value, kind, constant=value, is_constant=True)


def reads_under(expressions: Iterable[Expression], prefix: str) -> frozenset[str]:
    """The keys read under ``prefix`` (``product.attributes`` -> ``{"cost", "msrp"}``)."""
    start = prefix + "."
    return frozenset(
        path[len(start) :].split(".", 1)[0]
        for expression in expressions
        for path in expression.references
        if path.startswith(start)
    )
