"""python -m dashboard.briefing --year 2024 --level county [--province P] [--city C]
[--department D] [--indicators k1,k2] [--db FILE] -o 简报.docx

Writes the peer group's briefing; exits 2 with a Chinese message for bad arguments and 1 when the
group is empty or the database cannot be read."""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from dashboard.briefing import BriefingError, GroupSpec, make_briefing
from dashboard.briefing.group import LEVELS


class ChineseParser(argparse.ArgumentParser):
    """argparse with its error messages said in Chinese."""

    def error(self, message: str):
        if m := re.search(r"required: (.+)", message):
            text = f"缺少参数：{m.group(1).replace(', ', '、')}"
        elif m := re.search(r"argument (\S+): invalid int value: '(.*)'", message):
            text = f"参数 {m.group(1)} 须为整数，而不是 {m.group(2)!r}"
        elif m := re.search(r"argument (\S+): invalid choice: '?([^' ]*)'?", message):
            text = f"参数 {m.group(1)} 的取值 {m.group(2)!r} 无效，可选：{'、'.join(LEVELS)}"
        elif m := re.search(r"unrecognized arguments: (.+)", message):
            text = f"无法识别的参数：{m.group(1)}"
        else:
            text = f"参数有误（{message}）"
        self.exit(2, f"生成简报：{text}\n用法见 python -m dashboard.briefing --help\n")


def parser() -> argparse.ArgumentParser:
    ap = ChineseParser(prog="python -m dashboard.briefing", description="生成对比组的 Word 简报（.docx）")
    ap.add_argument("--year", type=int, required=True, help="年度，如 2024")
    ap.add_argument("--level", required=True, choices=LEVELS, help="层级：county 县级、prefecture 地市级……")
    ap.add_argument("--province", help="省份全称，如 河南省")
    ap.add_argument("--city", help="城市全称，如 南阳市")
    ap.add_argument("--department", help="部门名称（层级须为 department），如 司法局")
    ap.add_argument("--indicators", help="指标键，逗号分隔；不给即组内有数据的全部指标")
    ap.add_argument("--db", help="数据库文件（默认 data/fazhi.duckdb，或环境变量 FAZHI_DB）")
    ap.add_argument("-o", "--output", required=True, type=Path, help="输出的 .docx 文件")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from dashboard.briefing.gather import connect
    from dashboard.importing import db_path

    started = time.perf_counter()
    keys = None
    if args.indicators is not None:
        keys = tuple(k.strip() for k in args.indicators.replace("，", ",").split(",") if k.strip())
    spec = GroupSpec(
        year=args.year,
        level=args.level,
        province=args.province or None,
        city=args.city or None,
        department=args.department or None,
        keys=keys,
    )
    if args.output.suffix.lower() != ".docx":
        print("生成简报：输出文件须以 .docx 结尾", file=sys.stderr)
        return 2
    try:
        docx = make_briefing(connect(str(args.db or db_path())), spec)
    except BriefingError as e:
        print(f"生成简报：{e}", file=sys.stderr)
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(docx)
    seconds = time.perf_counter() - started
    print(f"已生成简报：{args.output}（{len(docx) / 1024:.0f} KB，{seconds:.1f} 秒）", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
