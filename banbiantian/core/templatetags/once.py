"""`{% csrf_token %}` also renders the form's one-time token (core/once.py).

A template builtin (settings.TEMPLATES): it replaces Django's tag of the same name, so every POST form,
which must render `{% csrf_token %}` anyway, is guarded against double submission without an area
having to remember anything.
"""

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import format_html

from banbiantian.core.once import FIELD, new_token

register = template.Library()


class CsrfAndOnceNode(CsrfTokenNode):
    def render(self, context):
        html = super().render(context)
        if not html:  # rendered without a request (an e-mail, a test): no form to guard
            return html
        return html + format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())


@register.tag
def csrf_token(parser, token):
    return CsrfAndOnceNode()
