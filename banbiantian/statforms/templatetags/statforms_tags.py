from django import template
from django.utils.html import format_html

from ..checks import format_number
from ..models import State

register = template.Library()


@register.filter
def num(value):
    """A number as people write it in a form: no trailing zeros; "—" for none."""
    return format_number(value)


@register.filter
def figure(entry):
    """A cell's figure: the number, or 不适用 / 未填报 shown as words, never as 0."""
    if entry is None:
        return ""
    if entry.state == State.NUMBER:
        return format_number(entry.number)
    css = "text-muted" if entry.state == State.NOT_APPLICABLE else "text-warning-emphasis"
    return format_html('<span class="{}">{}</span>', css, State(entry.state).label)


@register.filter
def typed_value(line):
    """The input's value: what was typed when the page comes back, else the stored number."""
    if line.raw is not None:
        return line.raw
    return format_number(line.entry.number) if line.entry.state == State.NUMBER else ""
