"""The type an expression's syntax shows, without a type checker ("" when syntax does not say)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tree_sitter import Node

from analyzers.source import strip_parens, text

if TYPE_CHECKING:
    from analyzers.source import Func

# Results of common standard-library constructors and functions, by callee text.
KNOWN_RESULTS: dict[str, str] = {
    "strings.NewReader": "*strings.Reader",
    "strings.NewReplacer": "*strings.Replacer",
    "bytes.NewBuffer": "*bytes.Buffer",
    "bytes.NewBufferString": "*bytes.Buffer",
    "bytes.NewReader": "*bytes.Reader",
    "bufio.NewWriter": "*bufio.Writer",
    "bufio.NewWriterSize": "*bufio.Writer",
    "bufio.NewReader": "*bufio.Reader",
    "bufio.NewReaderSize": "*bufio.Reader",
    "bufio.NewScanner": "*bufio.Scanner",
    "regexp.MustCompile": "*regexp.Regexp",
    "regexp.MustCompilePOSIX": "*regexp.Regexp",
    "os.Create": "*os.File",
    "os.Open": "*os.File",
    "os.OpenFile": "*os.File",
    "net.Dial": "net.Conn",
    "net.DialTimeout": "net.Conn",
    "tls.Dial": "*tls.Conn",
    "sql.Open": "*sql.DB",
    "http.Get": "*http.Response",
    "http.Post": "*http.Response",
    "http.NewRequest": "*http.Request",
    "http.NewRequestWithContext": "*http.Request",
    "json.NewEncoder": "*json.Encoder",
    "json.NewDecoder": "*json.Decoder",
    "gzip.NewWriter": "*gzip.Writer",
    "fmt.Sprintf": "string",
    "fmt.Sprint": "string",
    "fmt.Sprintln": "string",
    "strconv.Itoa": "string",
    "strconv.FormatInt": "string",
    "strconv.Quote": "string",
    "strings.Join": "string",
    "strings.Repeat": "string",
    "strings.ToLower": "string",
    "strings.ToUpper": "string",
    "strings.TrimSpace": "string",
    "strings.Split": "[]string",
    "strings.Fields": "[]string",
    "strings.SplitN": "[]string",
    "bytes.Split": "[][]byte",
    "bytes.Fields": "[][]byte",
    "time.Now": "time.Time",
    "time.Since": "time.Duration",
    "errors.New": "error",
    "fmt.Errorf": "error",
    "len": "int",
    "cap": "int",
    "copy": "int",
    "context.Background": "context.Context",
    "context.TODO": "context.Context",
    "httptest.NewRecorder": "*httptest.ResponseRecorder",
    "httptest.NewRequest": "*http.Request",
    "io.ReadAll": "[]byte",
    "os.ReadFile": "[]byte",
}

BASIC_LITERALS = {
    "interpreted_string_literal": "string",
    "raw_string_literal": "string",
    "int_literal": "int",
    "float_literal": "float64",
    "rune_literal": "rune",
    "imaginary_literal": "complex128",
    "true": "bool",
    "false": "bool",
}


def infer_type(value: Node | None, func: Func | None = None) -> str:
    value = strip_parens(value)
    if value is None:
        return ""
    kind = value.type
    if kind in BASIC_LITERALS:
        return BASIC_LITERALS[kind]
    if kind == "composite_literal":
        return text(value.child_by_field_name("type"))
    if kind == "type_conversion_expression":
        return text(value.child_by_field_name("type"))
    if kind == "unary_expression":
        operand = strip_parens(value.child_by_field_name("operand"))
        op_node = value.child_by_field_name("operator")
        if op_node is not None and text(op_node) == "&" and operand is not None and operand.type == "composite_literal":
            return "*" + text(operand.child_by_field_name("type"))
        return ""
    if kind == "call_expression":
        return _call_type(value)
    if kind == "binary_expression":
        left_type = infer_type(value.child_by_field_name("left"), func)
        op = text(value.child_by_field_name("operator"))
        if op in ("==", "!=", "<", "<=", ">", ">=", "&&", "||"):
            return "bool"
        return left_type or infer_type(value.child_by_field_name("right"), func)
    if kind == "identifier" and func is not None:
        return func.type_of(text(value), value)
    if kind == "slice_expression":
        operand = value.child_by_field_name("operand")
        base = infer_type(operand, func)
        if base.startswith("[") and not base.startswith("[]"):
            return "[]" + element_type(base)
        return base
    if kind == "index_expression" and func is not None:
        base = infer_type(value.child_by_field_name("operand"), func)
        return element_type(base)
    return ""


def _call_type(call: Node) -> str:
    fn = call.child_by_field_name("function")
    name = text(fn)
    args = call.child_by_field_name("arguments")
    first = args.named_children[0] if args is not None and args.named_child_count else None
    if name == "make" and first is not None:
        return text(first)
    if name == "new" and first is not None:
        return "*" + text(first)
    if name in ("string", "int", "int64", "int32", "uint8", "byte", "rune", "float64", "uint64", "uint32", "bool"):
        return name
    if name == "append" and first is not None:
        return infer_type(first)
    return KNOWN_RESULTS.get(name, "")


def split_map_type(container: str) -> tuple[str, str]:
    """("K", "V") for "map[K]V" written out (brackets inside K balanced); ("", "") otherwise."""
    t = container.strip()
    if not t.startswith("map["):
        return "", ""
    depth = 0
    for i, ch in enumerate(t):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return t[4:i].strip(), t[i + 1 :].strip()
    return "", ""


def element_type(container: str) -> str:
    """Element type of a slice, array, map or string type written out ("" when unknown)."""
    t = container.strip()
    if t.startswith("[]"):
        return t[2:]
    if t.startswith("[") and "]" in t:
        return t[t.index("]") + 1 :]
    if t.startswith("map["):
        return split_map_type(t)[1]
    if t == "string":
        return "byte"
    return ""


def map_key_type(container: str) -> str:
    return split_map_type(container)[0]


def range_types(expr: Node, func: Func) -> tuple[str, str]:
    """(key type, value type) of `for k, v := range expr`, as far as syntax shows."""
    t = infer_type(expr, func)
    if not t:
        return "", ""
    t = t.lstrip("*") if t.startswith("*[") else t
    if t == "string":
        return "int", "rune"
    if t.startswith("map["):
        return map_key_type(t), element_type(t)
    if t.startswith("["):
        return "int", element_type(t)
    if t in ("int", "int64", "int32", "uint", "uint64", "uint32"):
        return t, ""
    if t.startswith("chan ") or t.startswith("<-chan "):
        return t.split(" ", 1)[1], ""
    return "", ""


def is_slice_type(t: str) -> bool:
    return t.startswith("[]")


def is_map_type(t: str) -> bool:
    return t.startswith("map[")


def multi_value_type(value: Node, index: int, func: Func | None = None) -> str:
    """Type of the index-th name in `a, b := value` when value yields several results."""
    value = strip_parens(value) or value
    kind = value.type
    if kind == "call_expression":
        if index == 0:
            return _call_type(value)
        return "error" if text(value.child_by_field_name("function")) in KNOWN_RESULTS else ""
    if index == 1 and kind in ("index_expression", "type_assertion_expression", "unary_expression"):
        return "bool"
    if kind == "index_expression":
        return element_type(infer_type(value.child_by_field_name("operand"), func))
    if kind == "type_assertion_expression":
        return text(value.child_by_field_name("type"))
    return ""
