"""Labels built when a module is imported are translated lazily (gettext_lazy): a plain gettext
there is frozen in whatever language was active at import, not the reader's."""

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
EAGER = {"gettext", "ngettext", "pgettext", "npgettext"}


def _eager_names(tree) -> set[str]:
    return {alias.asname or alias.name for node in tree.body
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
            for alias in node.names if alias.name in EAGER}


def _import_time_calls(node, names):
    """Calls of `names` run at import: module and class bodies, not function or lambda bodies."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        return
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names:
        yield node
    for child in ast.iter_child_nodes(node):
        yield from _import_time_calls(child, names)


def test_no_eager_translation_at_import_time():
    offenders = []
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = _eager_names(tree)
        if not names:
            continue
        for node in tree.body:
            for call in _import_time_calls(node, names):
                offenders.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert not offenders, "use gettext_lazy for labels built at import:\n" + "\n".join(offenders)


def test_the_check_sees_a_module_level_label():
    tree = ast.parse("from django.utils.translation import gettext as _\nHEADERS = [_('姓名')]\n"
                     "def f():\n    return _('运行时')\nclass C:\n    label = _('类')\n")
    calls = [c.lineno for node in tree.body for c in _import_time_calls(node, _eager_names(tree))]
    assert calls == [2, 6]
