"""Every public service that writes is atomic: its rows and its audit entry commit together or not at all.

An AST check over every app's services module (or services package): a public function that writes —
calls .save/.create/.update/.delete/bulk_*/get_or_create/update_or_create, audit.record, or a private
helper of the same module that does — must be decorated with @transaction.atomic or make each write
inside a `with transaction.atomic():` block. A misplaced decorator (once on a string check instead of
the policy save below it, so a policy and its audit row were saved in two commits) fails here.
"""

import ast
import importlib.util
import pathlib

import pytest
from django.apps import apps

# Model and queryset methods that write. `.update` only counts on a queryset (a call chain such as
# Model.objects.filter(...).update(...)), not on a dict named in the function.
WRITE_METHODS = {"save", "create", "delete", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
AUDIT_CALLS = {("audit", "record")}

# Writers that deliberately commit in steps, each with the reason.
NOT_ATOMIC = {
    "banbiantian.transfer.services.execute_job":
        "the import task's body: every batch is its own transaction (engine.run) and progress is saved between "
        "batches, so a failed batch leaves the earlier ones written and the job's state visible while it runs",
    "banbiantian.transfer.services.import_files_expire":
        "a retention sweep: each job's files are deleted from storage and the job marked one by one, so a "
        "storage error part-way keeps what was already expired",
}


def services_modules() -> list[tuple[str, pathlib.Path]]:
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("banbiantian."):
            continue
        spec = importlib.util.find_spec(f"{config.name}.services")
        if spec is None:
            continue
        if spec.submodule_search_locations:  # a package: every module in it
            for folder in spec.submodule_search_locations:
                for path in sorted(pathlib.Path(folder).glob("*.py")):
                    name = f"{config.name}.services" + ("" if path.stem == "__init__" else f".{path.stem}")
                    found.append((name, path))
        else:
            found.append((f"{config.name}.services", pathlib.Path(spec.origin)))
    return found


def _is_atomic(node: ast.expr) -> bool:
    """transaction.atomic, atomic, or either called (transaction.atomic(using=...))."""
    if isinstance(node, ast.Call):
        node = node.func
    return (isinstance(node, ast.Attribute) and node.attr == "atomic") or (
        isinstance(node, ast.Name) and node.id == "atomic")


def _is_write(call: ast.Call, writers: set[str]) -> bool:
    func = call.func
    if isinstance(func, ast.Attribute):
        if func.attr in WRITE_METHODS:
            return True
        if func.attr == "update" and not isinstance(func.value, ast.Name):
            return True
        if isinstance(func.value, ast.Name) and (func.value.id, func.attr) in AUDIT_CALLS:
            return True
    return isinstance(func, ast.Name) and func.id in writers


def _unguarded_writes(function: ast.FunctionDef, writers: set[str]) -> list[ast.Call]:
    """The write calls of `function` not inside a `with transaction.atomic()` block (nested functions
    count as the function's own body: they run inside its transaction when it has one)."""
    found = []

    def walk(node, guarded):
        if isinstance(node, (ast.With, ast.AsyncWith)) and any(_is_atomic(item.context_expr) for item in node.items):
            guarded = True
        if isinstance(node, ast.Call) and not guarded and _is_write(node, writers):
            found.append(node)
        for child in ast.iter_child_nodes(node):
            walk(child, guarded)

    for statement in function.body:
        walk(statement, False)
    return found


def _writes_at_all(function: ast.FunctionDef, writers: set[str]) -> bool:
    return any(isinstance(node, ast.Call) and _is_write(node, writers) for node in ast.walk(function))


def non_atomic_writers(source: str) -> list[tuple[str, int]]:
    """(name, line) of every public top-level function of `source` that writes outside a transaction."""
    tree = ast.parse(source)
    functions = [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    # Private helpers that write, found to a fixed point (a helper calling a helper that writes writes).
    writers: set[str] = set()
    while True:
        more = {f.name for f in functions if f.name not in writers and _writes_at_all(f, writers)}
        if not more:
            break
        writers |= more
    bad = []
    for function in functions:
        if function.name.startswith("_"):
            continue
        if any(_is_atomic(d) for d in function.decorator_list):
            continue
        if _unguarded_writes(function, writers):
            bad.append((function.name, function.lineno))
    return bad


def test_services_modules_are_found():
    names = {name for name, _path in services_modules()}
    for app in ("core", "people", "rights", "care", "planning", "statforms", "transfer"):
        assert any(n == f"banbiantian.{app}.services" for n in names), app


@pytest.mark.parametrize("module", [name for name, _path in services_modules()])
def test_every_public_service_that_writes_is_atomic(module):
    path = dict(services_modules())[module]
    bad = [f"{module}.{name} (line {line})" for name, line in non_atomic_writers(path.read_text())
           if f"{module}.{name}" not in NOT_ATOMIC]
    assert not bad, "public services that write without @transaction.atomic: " + ", ".join(bad)


def test_the_exemptions_are_still_there_and_still_needed():
    modules = dict(services_modules())
    for qualified in NOT_ATOMIC:
        module, _dot, name = qualified.rpartition(".")
        assert name in {n for n, _line in non_atomic_writers(modules[module].read_text())}, qualified


def test_the_check_catches_a_decorator_on_the_wrong_function():
    """The bug this test was written for: @transaction.atomic on the helper above the service."""
    source = '''
from django.db import transaction

@transaction.atomic
def _format_error(fmt):
    return None

def policy_save(*, by, unit, data):
    policy = RightsPolicy(unit=unit)
    policy.save()
    audit.record(actor=by, action="update", obj=policy)
    return policy

def _write(obj):
    obj.save()

def helper_writer(*, obj):
    _write(obj)

def guarded(*, rows):
    with transaction.atomic():
        Model.objects.filter(pk__in=rows).update(done=True)

def reads(*, data):
    changes = {}
    changes.update(data)
    return changes
'''
    assert [name for name, _line in non_atomic_writers(source)] == ["policy_save", "helper_writer"]
