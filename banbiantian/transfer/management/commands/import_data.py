"""manage.py import_data {people,care,rights} FILE --unit CODE [--dry-run] [--errors OUT.xlsx] [--update|--skip]
[--user NAME]"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from banbiantian.core.models import OrgUnit, User
from banbiantian.core.roles import Role
from banbiantian.lib.xlsx.readers import FileError, Sheet
from banbiantian.transfer import engine, services


class Command(BaseCommand):
    help = "从Excel/CSV文件导入数据（与网页导入同一引擎）。"

    def add_arguments(self, parser):
        parser.add_argument("registry", choices=sorted(engine.registry_names()))
        parser.add_argument("file")
        parser.add_argument("--unit", required=True, help="导入到的单位（12位统计区划代码）")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--errors", help="把错误行及原因写入此 .xlsx 文件")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--update", dest="mode", action="store_const", const="update",
                           help="已登记的记录：更新（默认；信访登记簿总是跳过）")
        group.add_argument("--skip", dest="mode", action="store_const", const="skip", help="已登记的记录：跳过")
        parser.add_argument("--user", help="操作人账号（默认：该单位所在县的管理员）")
        parser.add_argument("--batch-size", type=int, default=engine.BATCH_SIZE)

    def handle(self, *args, registry, file, unit, dry_run, errors, mode, user, batch_size, **options):
        reg = engine.get_registry(registry)
        target = OrgUnit.objects.filter(code=unit).first()
        if target is None:
            raise CommandError(_("没有代码为 %(c)s 的单位。") % {"c": unit})
        by = self._user(user, target, reg)
        modes = dict(reg.modes)
        mode = mode or next(iter(modes))
        if mode not in modes:
            raise CommandError(_("“%(r)s”不支持该选项，可用：%(m)s。") % {"r": reg.label, "m": "、".join(
                str(label) for label in modes.values())})
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("找不到文件 %(f)s。") % {"f": file})
        try:
            services._check_unit(by, target)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        with path.open("rb") as fh:
            try:
                sheet = Sheet(fh, path.name)
                layout = engine.find_header(sheet, reg)
                self.stdout.write(_("表头在第%(n)d行；列对应：") % {"n": layout.header_row} + "，".join(
                    f"{layout.headers[i]}→{c.label}" for c in reg.columns for k, i in layout.guessed.items()
                    if k == c.key))

                def progress(report):
                    self.stderr.write(_("  已处理 %(n)d 行") % {"n": report.total}, ending="\r")
                    return True

                report = engine.run(registry=reg, sheet=sheet, layout=layout, mapping=layout.guessed, by=by,
                                    unit=target, dry_run=dry_run, mode=mode, batch_size=batch_size,
                                    on_batch=progress)
            except FileError as exc:
                raise CommandError(str(exc)) from None
            finally:
                sheet_close = locals().get("sheet")
                if sheet_close is not None:
                    sheet_close.close()
        self.stderr.write("")
        for row, column, level, message, sheet_name in report.issues:
            tag = _("错误") if level == "error" else _("提示")
            where = _("工作表“%(s)s”第%(r)d行") % {"s": sheet_name, "r": row} if sheet_name else _("第%(r)d行") % {"r": row}
            self.stdout.write(_("%(w)s %(c)s：[%(t)s] %(m)s") % {"w": where, "c": column, "t": tag, "m": message})
        for line in report.summary_lines():
            self.stdout.write(line)
        verb = _("试导入") if dry_run else _("导入")
        self.stdout.write(_("%(v)s完成：共%(t)d行，无误%(o)d行，有提示%(w)d行，失败%(f)d行；新增%(c)d，更新%(u)d，跳过%(s)d。") % {
            "v": verb, "t": report.total, "o": report.ok, "w": report.warned, "f": report.failed,
            "c": report.created, "u": report.updated, "s": report.skipped})
        failed = [str(b[0]) for b in report.batches if b[3] == "failed"]
        if failed:
            self.stdout.write(_("第%(b)s批写入失败，整批未导入。") % {"b": "、".join(failed)})
        if errors:
            Path(errors).write_bytes(engine.error_workbook(layout, report))
            self.stdout.write(_("错误行已写入 %(f)s（%(n)d行）。") % {"f": errors, "n": len(report.bad_rows)})

    def _user(self, username, unit, registry):
        if username:
            user = User.objects.filter(username=username, is_active=True).select_related("unit").first()
            if user is None:
                raise CommandError(_("没有账号 %(u)s。") % {"u": username})
        else:
            codes = unit.path.rstrip("/").split("/")
            user = (User.objects.filter(is_active=True, role=Role.COUNTY_ADMIN, unit__code__in=codes)
                    .select_related("unit").order_by("unit__path", "id").first())
            if user is None:
                raise CommandError(_("请用 --user 指定操作人账号（需要导入权限）。"))
        if not registry.allowed(user):
            raise CommandError(_("账号 %(u)s 没有导入数据的权限。") % {"u": user.username})
        return user
