"""reflection-in-loop

**What it does**
Flags reflection-driven calls made on every iteration of a loop: `json.Marshal`, `json.Unmarshal`,
`json.MarshalIndent`, a `json.NewEncoder`/`json.NewDecoder` built per iteration over the same
writer or reader, `reflect.ValueOf`, `reflect.TypeOf`, `reflect.DeepEqual`, and `binary.Read` /
`binary.Write`.

**Why is this bad?**
These calls inspect types at run time and allocate: `json.Marshal` of a small struct costs ~1-3 µs
and several allocations, `reflect.DeepEqual` ~100 ns-10 µs, `binary.Read` of a struct ~200-500 ns
against ~1-2 ns for `binary.LittleEndian.Uint32` (estimates). Inside a loop the cost is paid per
element, and the fixed part (the new encoder, the new []byte result) can be paid once.

**Example**
```go
for _, ev := range events {
    data, err := json.Marshal(ev)
    if err != nil {
        return err
    }
    w.Write(append(data, '\n'))
}
```

**Use instead**
```go
enc := json.NewEncoder(w) // one encoder, one reused buffer
for _, ev := range events {
    if err := enc.Encode(ev); err != nil {
        return err
    }
}
```

**Known limits**
An encoder or decoder created per iteration over a different stream each time (a new response body
per request) is necessary and not flagged. Functions that take a `reflect.Value` or `reflect.Type`
(reflection walkers, where reflection is the job), and functions that call functions known only at
run time (`fn.Call(args)`, which needs each argument as a `reflect.Value`), are not flagged for
`reflect.ValueOf`/`TypeOf`, nor
is `reflect.TypeOf` of each element in turn (`reflect.TypeOf(v)` for `v` of a `[]any`: ~1 ns, nothing to
hoist), nor `reflect.ValueOf` of a value that is already an interface or a pointer (nothing is boxed: ~1-2 ns)
or whose type cannot be told.
Loops with a literal bound of eight iterations or fewer are not flagged, nor are calls in a constant
case of a `switch` on the loop's own item (`for _, kind := range kinds { switch kind { case "users":
json.Marshal(users) } }`): each case encodes a different value once.

Its default severity is info: none of the 19 warnings of this rule drawn from public projects'
current code (benchmarks/realworld/cases.yaml) was worth a change. Each iteration decoded or encoded
its own document (a watch event, a bucket's configuration, one value of a record), which is the work
and not overhead a loop could share. A team can raise it with `severity: {reflection-in-loop:
warning}` in `.perf-review.yml`.
"""

from __future__ import annotations

from collections.abc import Iterator

from analyzers.package import Package
from analyzers.rules import Hit, rule
from analyzers.rules._alloc_b import hot_loops, import_names, loop_names, mentions
from analyzers.source import Call, Func, Loop, strip_parens, text
from analyzers.typeinfer import expr_type, underlying

_JSON = {
    "Marshal": "json.Marshal reflects over the value and allocates a new []byte per iteration; "
               "encode with one json.Encoder (or into one reused buffer) created before the loop",
    "MarshalIndent": "json.MarshalIndent reflects and allocates per iteration; use one json.Encoder "
                     "with SetIndent created before the loop",
    "Unmarshal": "json.Unmarshal reflects over the target and allocates per iteration; decode the stream "
                 "with one json.Decoder created before the loop, or unmarshal once outside it",
    "NewEncoder": "json.NewEncoder per iteration over the same writer rebuilds the encoder each time; "
                  "create it once before the loop and call Encode in the loop",
    "NewDecoder": "json.NewDecoder per iteration over the same reader rebuilds the decoder and its buffer; "
                  "create it once before the loop and call Decode in the loop",
}
_REFLECT = {
    "ValueOf": "reflect.ValueOf per iteration boxes the value and walks it by reflection; hoist it or "
               "use a type switch / typed code",
    "TypeOf": "reflect.TypeOf per iteration; compute the reflect.Type once before the loop or use a type switch",
    "DeepEqual": "reflect.DeepEqual per iteration compares by reflection (~100 ns-10 µs); compare fields "
                 "directly, or with slices.Equal / maps.Equal",
}
_BINARY = {
    "Read": "binary.Read per iteration decodes by reflection and allocates; read into a reused []byte and "
            "decode with binary.LittleEndian/BigEndian.Uint16/32/64",
    "Write": "binary.Write per iteration encodes by reflection and allocates; fill a reused []byte with "
             "binary.LittleEndian/BigEndian.PutUint16/32/64 (or Append*) and write it once",
}


@rule("reflection-in-loop", "alloc", "info", hot_only=True)
def RULE(pkg: Package) -> Iterator[Hit]:
    if not pkg.calls_any(*_JSON, *_REFLECT, *_BINARY):
        return
    for func in pkg.funcs:
        gf = func.file
        json_names = import_names(gf, "encoding/json")
        reflect_names = import_names(gf, "reflect")
        binary_names = import_names(gf, "encoding/binary")
        if not (json_names or reflect_names or binary_names):
            continue
        walker = _reflection_walker(func)
        for call in func.calls_named(*_JSON, *_REFLECT, *_BINARY):
            loops = hot_loops(call.loops)
            if not loops:
                continue
            message = ""
            if _dispatched_once(call, loops[-1]):
                continue
            if call.recv in json_names and call.name in _JSON:
                if call.name.startswith("New") and _fresh_stream(func, call, loops):
                    continue
                message = _JSON[call.name]
            elif call.recv in reflect_names and call.name in _REFLECT:
                if walker and call.name != "DeepEqual":
                    continue
                if call.name == "TypeOf" and call.args and mentions(call.args[0], loop_names(func, loops[-1])):
                    continue  # each element's own dynamic type: reading it costs ~1 ns and cannot be hoisted
                if call.name == "ValueOf" and call.args and _unboxed(pkg, func, call):
                    continue
                message = _REFLECT[call.name]
            elif call.recv in binary_names and call.name in _BINARY:
                message = _BINARY[call.name]
            if message:
                yield Hit(func, call.node, message)


def _unboxed(pkg: Package, func: Func, call: Call) -> bool:
    """`reflect.ValueOf(x)` where x is already an interface or a pointer (or of a type nobody here can
    tell): nothing is boxed, no allocation, ~1-2 ns; the message's claim does not hold."""
    typ = expr_type(pkg, func, call.args[0]).strip()
    if not typ or typ.startswith(("*", "map[", "chan ", "func(")) or typ in ("any", "error", "interface{}"):
        return True
    return underlying(pkg, typ).startswith("interface") or typ in pkg.iface_methods


def _dispatched_once(call: Call, loop: Loop) -> bool:
    """`for _, kind := range kinds { switch kind { case "users": json.Marshal(users) ... } }`: the loop
    hands each item to its own constant case, and each case encodes a different value, once."""
    item = loop.value or loop.key
    node = call.node.parent
    while node is not None and loop.contains(node) and node.id != loop.node.id:
        if node.type == "expression_case" and node.parent is not None \
                and node.parent.type == "expression_switch_statement":
            tag = strip_parens(node.parent.child_by_field_name("value"))
            values = node.child_by_field_name("value")
            constant = values is not None and all(
                v.type in ("interpreted_string_literal", "raw_string_literal", "int_literal", "identifier")
                and text(v) != item for v in values.named_children)
            return tag is not None and tag.type == "identifier" and text(tag) == item and constant
        node = node.parent
    return False


def _fresh_stream(func: Func, call: Call, loops: tuple[Loop, ...]) -> bool:
    """The encoder's writer / decoder's reader is new each iteration (declared inside the loop or built
    from the loop's variables): a new encoder per stream is required."""
    if not call.args:
        return True
    names = loop_names(func, loops[-1])
    return mentions(call.args[0], names) or call.args[0].type == "call_expression"


def _reflection_walker(func: Func) -> bool:
    """Reflection is the function's job: it takes reflect values or types, or calls functions it only
    knows at run time (`fn.Call(args)`: each argument must become a reflect.Value)."""
    f: Func | None = func
    while f is not None:
        if f.calls_named("Call", "CallSlice", "MakeFunc"):
            return True
        for p in f.params:
            if p.type.lstrip("*") in ("reflect.Value", "reflect.Type", "[]reflect.Value"):
                return True
        if f.receiver and "reflect" in f.receiver.lower():
            return True
        f = f.parent
    return False
