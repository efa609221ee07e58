"""Blank templates: the registry's columns, a 填写说明 sheet, and drop-down lists for coded columns."""

import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .engine import Registry

PEOPLE_GUIDE = (
    _lazy("1. 在第一个工作表中每行填写一人。"),
    _lazy("2. 有身份证号的，出生日期和性别以身份证号为准；重复导入时按身份证号更新或跳过，不会重复登记。"),
    _lazy("3. 也可直接从原有台账复制，系统会识别常见写法（如“汉”即“汉族”）。"),
)


def blank_template(registry: Registry) -> bytes:
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = str(registry.label)
    codes = book.create_sheet(_("代码表"))
    guide = book.create_sheet(_("填写说明"))
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FDE2E2")
    rows_with_lists = 5000
    code_col = 0
    choices_of = {c.key: registry.column_choices(c) for c in registry.columns}
    for index, column in enumerate(registry.columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=str(column.label) + ("*" if column.required else ""))
        cell.font = bold
        if column.required:
            cell.fill = required_fill
        sheet.column_dimensions[letter].width = max(10, len(column.label) * 2 + 4)
        if column.key in ("id_number", "phone"):
            # Text, so Excel keeps all 18 digits (numbers keep only 15).
            sheet.column_dimensions[letter].width = 22
            for row in range(2, rows_with_lists + 2):
                sheet.cell(row=row, column=index).number_format = "@"
        choices = choices_of[column.key]
        if choices:
            code_col += 1
            code_letter = get_column_letter(code_col)
            codes.cell(row=1, column=code_col, value=str(column.label)).font = bold
            for r, choice in enumerate(choices, start=2):
                codes.cell(row=r, column=code_col, value=choice)
            last = len(choices) + 1
            validation = DataValidation(
                type="list", formula1=f"'{codes.title}'!${code_letter}$2:${code_letter}${last}", allow_blank=True,
                showErrorMessage=True, errorTitle=_("请从下拉列表中选择"),
                error=_("“%(c)s”请从下拉列表中选择。") % {"c": column.label})
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{rows_with_lists + 1}")
    sheet.freeze_panes = "A2"
    guide.append([_("%(r)s导入模板 · 填写说明") % {"r": registry.label}])
    guide["A1"].font = Font(bold=True, size=14)
    for line in registry.guide or PEOPLE_GUIDE:
        guide.append([str(line)])
    guide.append([_("表头不要修改，标*的列必须填写；身份证号请按文本填写（本模板已设为文本格式），不要写成数字，否则后几位会丢失。"
                    "带下拉箭头的列请从列表中选择。")])
    guide.append([])
    guide.append([_("列名"), _("是否必填"), _("填写要求"), _("示例"), _("可选值")])
    for c in guide[guide.max_row]:
        c.font = bold
    for column in registry.columns:
        options = choices_of[column.key]
        choices = "、".join(options[:20]) + ("…" if len(options) > 20 else "")
        guide.append([str(column.label), _("必填") if column.required else _("选填"), str(column.help), column.example,
                      choices])
    for letter, width in zip("ABCDE", (14, 10, 40, 22, 50), strict=True):
        guide.column_dimensions[letter].width = width
        for cell in guide[letter]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    codes.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
