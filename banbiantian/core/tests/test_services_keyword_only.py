"""One way to call a service: keyword-only typed arguments, each named for what it is.

An AST check over every app's services module (or services package), the same modules as the atomic
check: a public function (no leading underscore) takes no positional parameter, no `*args` or
`**kwargs`, no parameter named `data`, and every parameter has a type annotation. A service once took a `data` dict here, an unsaved model
instance there, so a caller could not see from the signature what a write needs; now callers pass
`**form.cleaned_data` or named values, and a misspelt or unknown field is a TypeError at the call.
"""

import ast

import pytest

from .test_services_atomic import services_modules

# Public functions that must differ, each with the reason. Empty: every one follows the rule.
ALLOWED: dict[str, str] = {}

FORBIDDEN_NAMES = {"data"}


def signature_problems(source: str) -> list[tuple[str, int, str]]:
    """(name, line, what is wrong) for every public top-level function of `source` that breaks the rule."""
    found = []
    for node in ast.parse(source).body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or node.name.startswith("_"):
            continue
        args = node.args
        positional = [a.arg for a in [*args.posonlyargs, *args.args]]
        if positional:
            found.append((node.name, node.lineno, "positional " + ", ".join(positional)))
        if args.vararg:
            found.append((node.name, node.lineno, f"*{args.vararg.arg}"))
        if args.kwarg:
            found.append((node.name, node.lineno, f"**{args.kwarg.arg}"))
        named = [a.arg for a in args.kwonlyargs if a.arg in FORBIDDEN_NAMES]
        if named:
            found.append((node.name, node.lineno, "a parameter named " + ", ".join(named)))
        untyped = [a.arg for a in args.kwonlyargs if a.annotation is None]
        if untyped:
            found.append((node.name, node.lineno, "untyped " + ", ".join(untyped)))
    return found


@pytest.mark.parametrize("module", [name for name, _path in services_modules()])
def test_every_public_service_takes_named_keyword_arguments(module):
    path = dict(services_modules())[module]
    bad = [f"{module}.{name} (line {line}): {what}" for name, line, what in signature_problems(path.read_text())
           if f"{module}.{name}" not in ALLOWED]
    assert not bad, "public functions of a services module must take keyword-only typed arguments: " + "; ".join(bad)


def test_the_exemptions_are_still_needed():
    modules = dict(services_modules())
    for qualified in ALLOWED:
        module, _dot, name = qualified.rpartition(".")
        assert name in {n for n, _line, _what in signature_problems(modules[module].read_text())}, qualified


def test_the_check_catches_each_way_of_breaking_the_rule():
    source = '''
def case_register(*, by: User, petitioner: Person, data: dict):
    pass

def form_save(form: FormDefinition, *, by: User):
    pass

def month_start(day: datetime.date, /):
    pass

def target_create(*, by: User, **fields):
    pass

def rows(*args):
    pass

def plan_create(*, by, unit: OrgUnit, year):
    pass

def _clean(data):
    pass

def person_update(*, by: User, person: Person, name: str | Unchanged = UNCHANGED, unit: OrgUnit | None = None):
    pass
'''
    assert [(name, what) for name, _line, what in signature_problems(source)] == [
        ("case_register", "a parameter named data"),
        ("form_save", "positional form"),
        ("month_start", "positional day"),
        ("target_create", "**fields"),
        ("rows", "*args"),
        ("plan_create", "untyped by, year"),
    ]
