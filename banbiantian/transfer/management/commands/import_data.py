"""manage.py import_data people FILE --unit CODE [--dry-run] [--errors OUT.xlsx] [--update|--skip] [--user NAME]"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from banbiantian.core.models import OrgUnit, User
from banbiantian.core.roles import Role
from banbiantian.transfer import engine, services
from banbiantian.transfer.readers import FileError, Sheet


class Command(BaseCommand):
    help = "从Excel/CSV文件导入数据（与网页导入同一引擎）。"

    def add_arguments(self, parser):
        parser.add_argument("registry", choices=sorted(engine.REGISTRIES))
        parser.add_argument("file")
        parser.add_argument("--unit", required=True, help="导入到的单位（12位统计区划代码）")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--errors", help="把错误行及原因写入此 .xlsx 文件")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--update", dest="mode", action="store_const", const="update", help="已登记的人员：更新（默认）")
        group.add_argument("--skip", dest="mode", action="store_const", const="skip", help="已登记的人员：跳过")
        parser.add_argument("--user", help="操作人账号（默认：该单位所在县的管理员）")
        parser.add_argument("--batch-size", type=int, default=engine.BATCH_SIZE)

    def handle(self, *args, registry, file, unit, dry_run, errors, mode, user, batch_size, **options):
        reg = engine.get_registry(registry)
        target = OrgUnit.objects.filter(code=unit).first()
        if target is None:
            raise CommandError(f"没有代码为 {unit} 的单位。")
        by = self._user(user, target)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件 {file}。")
        try:
            services._check_unit(by, target)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        with path.open("rb") as fh:
            try:
                sheet = Sheet(fh, path.name)
                layout = engine.find_header(sheet, reg)
                self.stdout.write(f"表头在第{layout.header_row}行；列对应：" + "，".join(
                    f"{layout.headers[i]}→{c.label}" for c in reg.columns for k, i in layout.guessed.items()
                    if k == c.key))

                def progress(report):
                    self.stderr.write(f"  已处理 {report.total} 行", ending="\r")
                    return True

                report = engine.run(registry=reg, sheet=sheet, layout=layout, mapping=layout.guessed, by=by,
                                    unit=target, dry_run=dry_run, mode=mode or "update", batch_size=batch_size,
                                    on_batch=progress)
            except FileError as exc:
                raise CommandError(str(exc)) from None
            finally:
                sheet_close = locals().get("sheet")
                if sheet_close is not None:
                    sheet_close.close()
        self.stderr.write("")
        for row, column, level, message in report.issues:
            tag = "错误" if level == "error" else "提示"
            self.stdout.write(f"第{row}行 {column}：[{tag}] {message}")
        verb = "试导入" if dry_run else "导入"
        self.stdout.write(f"{verb}完成：共{report.total}行，无误{report.ok}行，有提示{report.warned}行，失败{report.failed}行；"
                          f"新增{report.created}，更新{report.updated}，跳过{report.skipped}。")
        failed = [str(b[0]) for b in report.batches if b[3] == "failed"]
        if failed:
            self.stdout.write(f"第{'、'.join(failed)}批写入失败，整批未导入。")
        if errors:
            Path(errors).write_bytes(engine.error_workbook(layout, report))
            self.stdout.write(f"错误行已写入 {errors}（{len(report.bad_rows)}行）。")

    def _user(self, username, unit):
        if username:
            user = User.objects.filter(username=username, is_active=True).select_related("unit").first()
            if user is None:
                raise CommandError(f"没有账号 {username}。")
        else:
            codes = unit.path.rstrip("/").split("/")
            user = (User.objects.filter(is_active=True, role=Role.COUNTY_ADMIN, unit__code__in=codes)
                    .select_related("unit").order_by("unit__path", "id").first())
            if user is None:
                raise CommandError("请用 --user 指定操作人账号（需要导入权限）。")
        if not (user.has_perm_name("import_data") and user.has_perm_name("edit_people")):
            raise CommandError(f"账号 {user.username} 没有导入数据的权限。")
        return user
