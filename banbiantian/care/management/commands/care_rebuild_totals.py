"""Recompute the care running totals (care/tally.py) from the records.

Needed after records were written without the care services (a bulk load), or when people moved
village and their past help should count under the new unit:

    BANBIANTIAN_DEMO=1 .venv/bin/python manage.py care_rebuild_totals
"""

import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "重新计算关爱帮扶统计的累计数(care_tally)。"

    def handle(self, *args, **options):
        from banbiantian.care import tally

        started = time.monotonic()
        rows = tally.rebuild()
        self.stdout.write(f"关爱帮扶累计数已重算：{rows} 行，用时 {time.monotonic() - started:.1f} 秒。")
