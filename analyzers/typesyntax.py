"""The type one expression's syntax shows, plus the results of standard-library functions
(`strings.ToLower(x)` is a string): what the walk can know while the model is being built. The
resolver that knows the whole package is analyzers/typeinfer.py."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING

from tree_sitter import Node

from analyzers.extern import External
from analyzers.source import FIELD, strip_parens, text
from analyzers.typetext import element_type, range_pair

if TYPE_CHECKING:
    from analyzers.source import Func


BASIC_LITERALS = {
    "interpreted_string_literal": "string",
    "raw_string_literal": "string",
    "int_literal": "int",
    "float_literal": "float64",
    "rune_literal": "rune",
    "imaginary_literal": "complex128",
    "true": "bool",
    "false": "bool",
    "iota": "int",
}
CONVERSIONS = frozenset({"string", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32",
                         "uint64", "uintptr", "byte", "rune", "float32", "float64", "bool", "complex64",
                         "complex128"})
BUILTIN_RESULTS = {"len": "int", "cap": "int", "copy": "int", "real": "float64", "imag": "float64",
                    "complex": "complex128"}
NO_RESULT = frozenset({"panic", "print", "println", "delete", "close", "clear"})


@lru_cache(maxsize=1)
def std_external() -> External:
    """Lookups in the standard library's data only (no dependency source)."""
    return External()


def _package_path(name: str, func: Func | None, imports: Mapping[str, str] | None) -> str | None:
    """The import path `name` stands for in `name.F(...)`, None when it is a local variable or no
    package: the file's imports, else a standard package of that name when only one has it."""
    if func is not None:
        if func.lookup(name) is not None:
            return None
        imports = func.file.imports
    if imports is not None and name in imports:
        return imports[name]
    found = std_external().std.names.get(name, [])
    return found[0] if len(found) == 1 else None


def infer_type(value: Node | None, func: Func | None = None, imports: Mapping[str, str] | None = None) -> str:
    """The type one expression's syntax shows, with standard-library function results."""
    value = strip_parens(value)
    if value is None:
        return ""
    kind = value.type
    if kind in BASIC_LITERALS:
        return BASIC_LITERALS[kind]
    if kind in ("composite_literal", "type_conversion_expression"):
        return text(value.child_by_field_id(FIELD.type))
    if kind == "unary_expression":
        operand = strip_parens(value.child_by_field_id(FIELD.operand))
        op = text(value.child_by_field_id(FIELD.operator))
        if op == "&" and operand is not None and operand.type == "composite_literal":
            return "*" + text(operand.child_by_field_id(FIELD.type))
        return "bool" if op == "!" else ""
    if kind == "call_expression":
        results = _call_results(value, func, imports)
        return results[0] if results else ""
    if kind == "binary_expression":
        op = text(value.child_by_field_id(FIELD.operator))
        if op in ("==", "!=", "<", "<=", ">", ">=", "&&", "||"):
            return "bool"
        return infer_type(value.child_by_field_id(FIELD.left), func, imports) or infer_type(
            value.child_by_field_id(FIELD.right), func, imports)
    if kind == "identifier" and func is not None:
        return func.type_of(text(value), value)
    if kind == "slice_expression":
        base = infer_type(value.child_by_field_id(FIELD.operand), func, imports)
        return "[]" + element_type(base) if base.startswith("[") and not base.startswith("[]") else base
    if kind == "index_expression" and func is not None:
        return element_type(infer_type(value.child_by_field_id(FIELD.operand), func, imports))
    if kind == "type_assertion_expression":
        return text(value.child_by_field_id(FIELD.type))
    return ""


def _call_results(call: Node, func: Func | None, imports: Mapping[str, str] | None) -> tuple[str, ...]:
    fn = call.child_by_field_id(FIELD.function)
    name = text(fn)
    args = call.child_by_field_id(FIELD.arguments)
    first = args.named_children[0] if args is not None and args.named_child_count else None
    if fn is not None and fn.type == "identifier":
        if name == "make" and first is not None:
            return (text(first),)
        if name == "new" and first is not None:
            return ("*" + text(first),)
        if name in CONVERSIONS:
            return (name,)
        if name == "append" and first is not None:
            return (infer_type(first, func, imports),)
        return (BUILTIN_RESULTS[name],) if name in BUILTIN_RESULTS else ()
    if fn is None or fn.type != "selector_expression":
        return ()
    operand = fn.child_by_field_id(FIELD.operand)
    if operand is None or operand.type != "identifier":
        return ()
    path = _package_path(text(operand), func, imports)
    sig = std_external().func_sig(path, text(fn.child_by_field_id(FIELD.field))) if path else None
    return sig.results if sig is not None and not sig.tparams else ()


def multi_value_type(value: Node, index: int, func: Func | None = None) -> str:
    """Type of the index-th name in `a, b := value` when value yields several results."""
    value = strip_parens(value) or value
    kind = value.type
    if kind == "call_expression":
        results = _call_results(value, func, None)
        return results[index] if index < len(results) else ""
    if index == 1 and kind in ("index_expression", "type_assertion_expression", "unary_expression"):
        return "bool"
    if kind == "index_expression":
        return element_type(infer_type(value.child_by_field_id(FIELD.operand), func))
    if kind == "type_assertion_expression":
        return text(value.child_by_field_id(FIELD.type))
    return ""


def range_types(expr: Node, func: Func) -> tuple[str, str]:
    """(key type, value type) of `for k, v := range expr`, as far as syntax shows."""
    t = infer_type(expr, func)
    return range_pair(t) if t else ("", "")
