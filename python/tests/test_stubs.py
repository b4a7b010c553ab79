"""The type stubs match the built module: every public name of
neardup._core is in _core.pyi and every name of _core.pyi is in the module,
and each function, method and constructor of the stubs has the parameters
of the binding (names, order, keyword-only marker, which have defaults) and
the binding's default values wherever the stub writes one. The same for
the Python functions of neardup/__init__.pyi. The defaults of the bindings
come from the C++ option structs, so a stub that repeats a default is
checked against C++.
"""

import ast
import inspect
import os
import re

import pytest

import neardup
from neardup import _core

STUBS = os.path.dirname(neardup.__file__)

# Names of _core.pyi that are typing helpers, not bindings.
STUB_HELPERS = {"Text", "Buffer", "Array", "Match", "enum", "Any", "overload",
                "Callable", "Iterable", "Optional", "Sequence", "Union"}


def _stub(name):
    with open(os.path.join(STUBS, name), encoding="utf-8") as f:
        return ast.parse(f.read())


def _split_top(text):
    """Splits at the commas outside brackets and quotes."""
    parts, depth, quote, cur = [], 0, None, ""
    for ch in text:
        if quote:
            cur += ch
            if ch == quote:
                quote = None
            continue
        if ch in "'\"":
            quote = ch
        elif ch in "([{<":
            depth += 1
        elif ch in ")]}>" and not (ch == ">" and cur.endswith("-")):
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
            continue
        cur += ch
    if cur.strip():
        parts.append(cur.strip())
    return parts


def _binding_signatures(obj, name):
    """[(params, ...)] of a pybind11 function, one per overload: params
    are (name, default text or None), with "*" for keyword-only."""
    doc = obj.__doc__ or ""
    signatures = []
    for match in re.finditer(r"^(?:\d+\. )?%s\((.*)\) -> " % re.escape(name),
                             doc, re.M):
        params = []
        for part in _split_top(match.group(1)):
            if part == "*":
                params.append(("*", None))
                continue
            head, _, default = part.partition(" = ")
            pname = head.split(":")[0].strip()
            if pname == "self":
                continue
            params.append((pname, default or None))
        signatures.append(params)
    assert signatures, "%s: no signature in its docstring" % name
    return signatures


def _stub_params(fn):
    """(name, default node or None) of a stub def, "*" for keyword-only."""
    a = fn.args
    positional = a.posonlyargs + a.args
    defaults = [None] * (len(positional) - len(a.defaults)) + a.defaults
    params = [(p.arg, d) for p, d in zip(positional, defaults)
              if p.arg not in ("self", "cls")]
    if a.kwonlyargs:
        params.append(("*", None))
        params += [(p.arg, d) for p, d in zip(a.kwonlyargs, a.kw_defaults)]
    return params


def _default_matches(stub_default, built):
    """A stub default of ... matches any; a literal must equal the
    binding's (as pybind11 prints it: repr of the value)."""
    if isinstance(stub_default, ast.Constant) and \
            stub_default.value is Ellipsis:
        return True
    want = ast.literal_eval(stub_default)
    try:
        got = ast.literal_eval(built)
    except (ValueError, SyntaxError):
        return False
    return type(want) is type(got) and want == got


def _mismatch(qualname, stub_fn, built_obj, built_name):
    """None when the stub def matches one overload of the binding, else a
    message."""
    stub = _stub_params(stub_fn)
    if stub_fn.args.kwarg is not None:  # **fields: the Python manners
        return None
    tried = []
    for built in _binding_signatures(built_obj, built_name):
        names_ok = [n for n, _ in stub] == [n for n, _ in built]
        has_ok = names_ok and all((s is None) == (b is None)
                                  for (_, s), (_, b) in zip(stub, built))
        values_ok = has_ok and all(
            s is None or _default_matches(s, b)
            for (_, s), (_, b) in zip(stub, built))
        if values_ok:
            return None
        tried.append(built)
    return "%s: stub %s, binding %s" % (
        qualname, [(n, ast.unparse(d) if d is not None else None)
                   for n, d in stub], tried)


def _public(obj):
    return {n for n in dir(obj) if not n.startswith("_")}


def _class_stub_names(node):
    names = set()
    for item in node.body:
        if isinstance(item, ast.FunctionDef):
            names.add(item.name)
        elif isinstance(item, ast.AnnAssign):
            names.add(item.target.id)
        elif isinstance(item, ast.Assign):
            names.update(t.id for t in item.targets)
    return names


def test_core_stub_names_are_the_modules():
    tree = _stub("_core.pyi")
    stub = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            stub.add(node.name)
        elif isinstance(node, ast.AnnAssign):
            stub.add(node.target.id)
        elif isinstance(node, ast.Assign):
            stub.update(t.id for t in node.targets)
    stub -= STUB_HELPERS
    built = {n for n in dir(_core) if not n.startswith("_")}
    built.add("__version__")
    stub.discard("__version__")
    built.discard("__version__")
    assert sorted(built - stub) == [], "bound but not in _core.pyi"
    assert sorted(stub - built) == [], "in _core.pyi but not bound"


def test_core_stub_classes_have_the_modules_members():
    problems = []
    for node in _stub("_core.pyi").body:
        if not isinstance(node, ast.ClassDef):
            continue
        cls = getattr(_core, node.name)
        names = _class_stub_names(node)
        if isinstance(getattr(cls, "__members__", None), dict):  # an enum
            built = set(cls.__members__)
        else:
            built = {n for n in vars(cls) if not n.startswith("_")}
        missing = sorted(built - names)
        extra = sorted(n for n in names - built
                       if not n.startswith("__") and not hasattr(cls, n))
        if missing or extra:
            problems.append((node.name, "missing", missing, "extra", extra))
    assert not problems


def test_core_stub_signatures_and_defaults_are_the_modules():
    problems = []
    for node in _stub("_core.pyi").body:
        if isinstance(node, ast.FunctionDef):
            m = _mismatch(node.name, node, getattr(_core, node.name),
                          node.name)
            if m:
                problems.append(m)
        elif isinstance(node, ast.ClassDef):
            cls = getattr(_core, node.name)
            for item in node.body:
                if not isinstance(item, ast.FunctionDef):
                    continue
                decorators = {ast.unparse(d) for d in item.decorator_list}
                if "property" in decorators or (
                        item.name.startswith("__") and item.name not in (
                            "__init__", "__len__", "__contains__")):
                    continue
                m = _mismatch(node.name + "." + item.name, item,
                              getattr(cls, item.name), item.name)
                if m:
                    problems.append(m)
    assert not problems, "\n".join(problems)


def test_option_stub_fields_are_documented_with_the_cpp_default():
    """Each option struct's field docstring ends with the default that a
    default-constructed struct holds (the bindings print it from C++)."""
    for name in ("NormalizeOptions", "ShingleOptions", "MinHashOptions",
                 "CandidateOptions", "RepeatOptions", "BoilerplateOptions",
                 "SyndicationOptions", "GopherThresholds", "ReaderOptions",
                 "DedupOptions", "CleanOptions"):
        cls = getattr(_core, name)
        obj = cls()
        for field in _public(cls):
            doc = getattr(cls, field).__doc__ or ""
            match = re.search(r"Default: (.*)\.$", doc.strip())
            if not match or match.group(1).endswith(")"):
                continue
            value = getattr(obj, field)
            if hasattr(value, "tolist"):
                value = value.tolist()
            shown = repr(value) if isinstance(value, str) else str(value)
            assert match.group(1) == shown, (name, field, doc)


@pytest.mark.parametrize("name", ["dedup", "clean", "find_duplicates"])
def test_package_stub_signatures_are_the_functions(name):
    stub = {n.name: n for n in _stub("__init__.pyi").body
            if isinstance(n, ast.FunctionDef)}
    assert set(stub) == {"dedup", "clean", "find_duplicates"}
    fn = stub[name]
    sig = inspect.signature(getattr(neardup, name))
    built = []
    for p in sig.parameters.values():
        if p.kind is p.VAR_KEYWORD:
            continue
        if p.kind is p.KEYWORD_ONLY and ("*", None) not in built:
            built.append(("*", None))
        built.append((p.name, None if p.default is p.empty
                      else repr(p.default)))
    stub_params = _stub_params(fn)
    assert [n for n, _ in stub_params] == [n for n, _ in built]
    for (n, s), (_, b) in zip(stub_params, built):
        assert (s is None) == (b is None), n
        assert s is None or _default_matches(s, b), n
    assert (fn.args.kwarg is not None) == any(
        p.kind is p.VAR_KEYWORD for p in sig.parameters.values())
