"""manage.py seed_demo — build the demo county 清溪县 (what `make run` loads into an empty database).

    manage.py seed_demo                                   # 6 townships × 8 villages, 3,000 people
    manage.py seed_demo --townships 30 --villages 12 --people 300000 --seed 7
    manage.py seed_demo --if-empty                        # only when the database has no units yet
"""

from django.core.management.base import BaseCommand, CommandError

from banbiantian.core.models import OrgUnit, User
from banbiantian.demo import county as demo


def _int(option: str, raw, low: int, high: int | None, what: str) -> int:
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        raise CommandError(f"参数 {option} 必须是整数（{what}），收到的是“{raw}”。") from None
    if value < low or (high is not None and value > high):
        limit = f"在 {low} 到 {high} 之间" if high is not None else f"不小于 {low}"
        raise CommandError(f"参数 {option} 必须{limit}（{what}），收到的是 {value}。")
    return value


class Command(BaseCommand):
    help = "生成演示县“清溪县”：组织机构、演示账号和人员数据（同一随机种子每次结果相同）。"

    def add_arguments(self, parser):
        # Taken as text and checked here, so a bad value gets a Chinese message naming the option.
        parser.add_argument("--townships", default=str(demo.DEFAULT_TOWNSHIPS),
                            help=f"乡镇(街道)数，1–{demo.MAX_TOWNSHIPS}，默认 {demo.DEFAULT_TOWNSHIPS}")
        parser.add_argument("--villages", default=str(demo.DEFAULT_VILLAGES),
                            help=f"每个乡镇的村(社区)数，1–{demo.MAX_VILLAGES}，默认 {demo.DEFAULT_VILLAGES}")
        parser.add_argument("--people", default=str(demo.DEFAULT_PEOPLE),
                            help=f"人员总数，默认 {demo.DEFAULT_PEOPLE}")
        parser.add_argument("--seed", default=str(demo.DEFAULT_SEED), help=f"随机种子，默认 {demo.DEFAULT_SEED}")
        parser.add_argument("--if-empty", action="store_true", help="数据库中已有组织机构时什么也不做")

    def handle(self, *args, **options):
        townships = _int("--townships", options["townships"], 1, demo.MAX_TOWNSHIPS, "乡镇(街道)数")
        villages = _int("--villages", options["villages"], 1, demo.MAX_VILLAGES, "每个乡镇的村(社区)数")
        people = _int("--people", options["people"], 0, 10_000_000, "人员总数")
        seed = _int("--seed", options["seed"], 0, None, "随机种子")

        if options["if_empty"] and OrgUnit.objects.exists():
            self.stdout.write("数据库中已有组织机构，未生成演示数据（--if-empty）。")
            return
        if OrgUnit.objects.filter(code=demo.COUNTY_CODE).exists():
            raise CommandError(f"数据库中已有{demo.COUNTY_NAME}（{demo.COUNTY_CODE}），不能重复生成；"
                               "请换一个空数据库，或加 --if-empty 跳过。")
        taken = list(User.objects.filter(username__in=demo.usernames(townships, villages))
                     .values_list("username", flat=True)[:5])
        if taken:
            raise CommandError(f"演示账号已存在：{'、'.join(taken)}；请换一个空数据库。")

        verbose = options["verbosity"] >= 2
        self.stdout.write(f"正在生成演示数据：{townships}个乡镇(街道) × {villages}个村(社区)，{people:,}人（种子 {seed}）…")
        summary = demo.build(townships=townships, villages=villages, people=people, seed=seed,
                             log=self.stdout.write if verbose else None)
        self.stdout.write(self.style.SUCCESS(
            f"{summary.description}；女性 {summary.women:,} 人，特殊群体身份 {summary.memberships:,} 条，"
            f"疑似重复 {summary.duplicate_pairs} 对。用时 {summary.seconds:.1f} 秒。"))
        for line in summary.areas:
            self.stdout.write(line)
        self._print_logins(summary)

    def _print_logins(self, summary):
        w = self.stdout.write
        w("")
        w(f"演示账号（密码均为 {demo.PASSWORD}） / Demo logins, password {demo.PASSWORD}:")
        w("")
        w("| 用户名 | 角色 | 单位 |")
        w("|---|---|---|")
        shown = [u for u in summary.users if u[0] in ("county_admin", "county_staff", "county_rights", "viewer")
                 or u[0].startswith(("t01_", "t001_"))][:8]
        for username, role, unit in shown:
            w(f"| `{username}` | {role} | {unit} |")
        w("")
        w("其余账号：每个乡镇 tNN_chair（主席）、tNN_staff（工作人员），每个村(社区) tNN_vMM（妇联主席），"
          f"共 {len(summary.users)} 个。")
