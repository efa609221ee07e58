"""manage.py expire_import_files — run daily: uploaded ledgers and error files past the retention period are
deleted (settings.IMPORT_FILE_RETENTION_DAYS); the import log keeps its rows and says the files expired."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from banbiantian.transfer.services import import_files_expire


class Command(BaseCommand):
    help = "删除超过保留期限的导入文件和错误行文件（导入记录保留）。"

    def handle(self, *args, **options):
        count = import_files_expire()
        self.stdout.write(_("已删除%(n)d条导入记录的文件（保留%(d)d天）。") % {
            "n": count, "d": settings.IMPORT_FILE_RETENTION_DAYS})
