"""manage.py expire_export_files — run daily: the files of background exports older than
settings.EXPORT_FILE_RETENTION_DAYS are deleted (they hold personal data); the jobs stay, marked expired."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from banbiantian.core.exports import expire_files


class Command(BaseCommand):
    help = "删除超过保留期限的后台导出文件。"

    def handle(self, *args, **options):
        count = expire_files()
        self.stdout.write(_("已删除%(n)d个后台导出文件（保留%(d)d天）。") % {
            "n": count, "d": settings.EXPORT_FILE_RETENTION_DAYS})
