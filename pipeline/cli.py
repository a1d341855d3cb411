"""Command line: `python -m pipeline extract PATH... --jsonl` and `python -m pipeline build`.

The extract contract (spec: The extract command): one JSON line per file on stdout, in the order
given, nothing else on stdout; exit 0 when every file was read, 1 when some file was not, 2 on a
usage error."""

from __future__ import annotations

import argparse
import json
import sys
import time


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 2 with a plain message
        self.print_usage(sys.stderr)
        print(f"用法错误：{message}", file=sys.stderr)
        sys.exit(2)


def make_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; the build options are loaded only for `build`, keeping extract's start-up light."""
    parser = _Parser(prog="python -m pipeline", description="法治对标：从法治政府建设年度报告中提取可比指标")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    ex = sub.add_parser("extract", help="提取指标，每个文件输出一行 JSON")
    ex.add_argument("paths", nargs="+", metavar="PATH", help="报告文件（txt、html、docx、pdf，任意编码）")
    ex.add_argument("--jsonl", action="store_true", help="每个文件一行 JSON（默认即如此）")
    ex.add_argument("--mentions", action="store_true", help="同时输出报告中的全部数字（mentions）")
    build = sub.add_parser("build", help="把报告文件夹构建为 DuckDB 数据库", add_help=command == "build")
    if command == "build":
        from pipeline.build.database import add_build_arguments

        add_build_arguments(build)
    return parser


def extract_command(args: argparse.Namespace) -> int:
    """Each file in a worker process with its time budget: one over it gives ok: false with 解析超时
    and the next file goes on."""
    from pipeline import config
    from pipeline.build.files import path_text, shown
    from pipeline.parse.budget import PROCESS_FILE, WorkerError, as_result, budget_for, run_with_budget

    try:
        config.max_file_bytes()
        budgets = [budget_for(p) for p in args.paths]
    except config.ConfigError as e:
        print(str(e), file=sys.stderr)
        return 2
    failed = 0
    t0 = time.perf_counter()
    jobs = [(path, args.mentions) for path in args.paths]
    try:
        for path, outcome in zip(args.paths, run_with_budget(PROCESS_FILE, jobs, budgets), strict=True):
            result = as_result(path, outcome)
            result.source = path_text(path)  # a GBK-byte name reads as the Chinese it was: valid UTF-8
            if not result.ok:
                failed += 1
                print(f"无法读取 {shown(path)}：{result.error}", file=sys.stderr)
            line = json.dumps(result.to_json(with_mentions=args.mentions), ensure_ascii=False)
            sys.stdout.write(line + "\n")
    except WorkerError as e:
        print(str(e), file=sys.stderr)
        return 1
    sys.stdout.flush()
    n = len(args.paths)
    print(f"已处理 {n} 个文件，失败 {failed} 个，用时 {time.perf_counter() - t0:.2f} 秒", file=sys.stderr)
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = make_parser(argv[0] if argv else None).parse_args(argv)
    if args.command == "extract":
        return extract_command(args)
    from pipeline.build.database import build_command

    return build_command(args)
