"""Who may use the dashboard: data/users.json (outside git), one record per person with a role
(viewer: read; editor: upload, correct, rebuild) and a password hashed with scrypt and its own salt.

Set people from the command line (the password is asked twice, or read from the first line of
standard input when it is not a terminal):

    python -m dashboard.users add 王敏 --role editor
    python -m dashboard.users passwd 王敏
    python -m dashboard.users remove 王敏
    python -m dashboard.users list
    python -m dashboard.users reading signin      # reading needs a sign-in too (default: open)
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import hmac
import json
import os
import secrets
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROLES = {"viewer": "只读", "editor": "编辑"}
READING = {"open": "无需登录即可查看", "signin": "查看也需要登录"}
SCRYPT = {"n": 2**14, "r": 8, "p": 1}  # ~50 ms and 16 MB per check: cheap for us, dear for a guesser
MIN_PASSWORD = 8


def users_file() -> Path:
    """Where the users live (FAZHI_USERS moves it; tests use temp files)."""
    return Path(os.environ.get("FAZHI_USERS", ROOT / "data" / "users.json"))


@dataclass(frozen=True)
class User:
    """A signed-in person: their name and role (viewer or editor)."""

    name: str
    role: str

    @property
    def is_editor(self) -> bool:
        return self.role == "editor"

    @property
    def role_name(self) -> str:
        return ROLES.get(self.role, self.role)


def hash_password(password: str, salt: bytes | None = None) -> dict:
    """The stored form of a password: scrypt with a random 16-byte salt (hex), and its parameters."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, maxmem=64 * 1024 * 1024, **SCRYPT)
    return {"salt": salt.hex(), "hash": digest.hex(), **SCRYPT}


def check_password(record: dict, password: str) -> bool:
    """Whether `password` matches the stored record (constant-time comparison)."""
    try:
        salt = bytes.fromhex(record["salt"])
        params = {k: int(record[k]) for k in SCRYPT}
        want = bytes.fromhex(record["hash"])
    except (KeyError, TypeError, ValueError):
        return False
    got = hashlib.scrypt(password.encode("utf-8"), salt=salt, maxmem=64 * 1024 * 1024, **params)
    return hmac.compare_digest(got, want)


_DUMMY = hash_password("-", salt=b"\0" * 16)  # checked for unknown names, so they take as long


def load(path: Path | None = None) -> dict:
    """The users file as {"reading": "open"|"signin", "users": {name: record}}; missing means none."""
    path = path or users_file()
    if not path.exists():
        return {"reading": "open", "users": {}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ValueError(f"用户文件 {path} 无法读取（须为 JSON）：{e}") from e
    data.setdefault("reading", "open")
    data.setdefault("users", {})
    return data


def save(data: dict, path: Path | None = None) -> None:
    """Write the users file atomically, readable by its owner only."""
    path = path or users_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".users_", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=1)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def check_name(name: str) -> str:
    """A usable user name (1–32 characters, no spaces at the ends or control characters)."""
    name = (name or "").strip()
    if not 1 <= len(name) <= 32 or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise ValueError("用户名须为 1–32 个字符，不含控制字符")
    return name


def set_user(name: str, role: str, password: str, path: Path | None = None, *, new: bool) -> None:
    """Add a user (new=True; an existing name is refused) or change one's password and role."""
    name = check_name(name)
    if role not in ROLES:
        raise ValueError(f"角色须为 {'、'.join(ROLES)} 之一")
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"密码至少 {MIN_PASSWORD} 个字符")
    data = load(path)
    if new and name in data["users"]:
        raise ValueError(f"用户 {name} 已存在（改密码用 passwd）")
    if not new and name not in data["users"]:
        raise ValueError(f"没有用户 {name}")
    data["users"][name] = {
        "role": role,
        **hash_password(password),
        "set_at": datetime.now().replace(microsecond=0).isoformat(sep=" "),
    }
    save(data, path)


def remove_user(name: str, path: Path | None = None) -> None:
    data = load(path)
    if data["users"].pop(name, None) is None:
        raise ValueError(f"没有用户 {name}")
    save(data, path)


def set_reading(mode: str, path: Path | None = None) -> None:
    if mode not in READING:
        raise ValueError(f"须为 {'、'.join(READING)} 之一")
    data = load(path)
    data["reading"] = mode
    save(data, path)


def verify(name: str, password: str, path: Path | None = None) -> User | None:
    """The user when name and password match, else None (unknown names cost the same time)."""
    record = load(path)["users"].get((name or "").strip())
    if record is None:
        check_password(_DUMMY, password)
        return None
    return User(name.strip(), record.get("role", "viewer")) if check_password(record, password) else None


def role_of(name: str, path: Path | None = None) -> str | None:
    """The role a name has now (None when removed): a signed-in session follows changes to the file."""
    record = load(path)["users"].get(name)
    return None if record is None else record.get("role", "viewer")


def reading_needs_signin(path: Path | None = None) -> bool:
    return load(path)["reading"] == "signin"


def _read_password(confirm: bool) -> str:
    """Ask twice on a terminal; otherwise take the first line of standard input (for scripts)."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("密码：")
    if confirm and getpass.getpass("再输入一次：") != first:
        raise ValueError("两次输入的密码不一致")
    return first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard.users", description="法治对标：看板的用户与权限"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="新增用户（询问密码）")
    add.add_argument("name")
    add.add_argument("--role", choices=list(ROLES), default="viewer", help="viewer 只读，editor 可导入与更正")
    pw = sub.add_parser("passwd", help="修改密码（可同时改角色）")
    pw.add_argument("name")
    pw.add_argument("--role", choices=list(ROLES), default=None)
    rm = sub.add_parser("remove", help="删除用户")
    rm.add_argument("name")
    sub.add_parser("list", help="列出用户")
    rd = sub.add_parser("reading", help="查看是否需要登录：open 或 signin")
    rd.add_argument("mode", choices=list(READING))
    args = parser.parse_args(argv)
    path = users_file()
    try:
        if args.command == "add":
            set_user(args.name, args.role, _read_password(True), path, new=True)
            print(f"已添加 {args.name}（{ROLES[args.role]}），保存在 {path}")
        elif args.command == "passwd":
            role = args.role or role_of(args.name, path) or "viewer"
            set_user(args.name, role, _read_password(True), path, new=False)
            print(f"已更新 {args.name}（{ROLES[role]}）")
        elif args.command == "remove":
            remove_user(args.name, path)
            print(f"已删除 {args.name}")
        elif args.command == "reading":
            set_reading(args.mode, path)
            print(f"查看：{READING[args.mode]}")
        else:
            data = load(path)
            print(f"查看：{READING.get(data['reading'], data['reading'])}（{path}）")
            for name, rec in sorted(data["users"].items()):
                print(
                    f"{name}\t{ROLES.get(rec.get('role'), rec.get('role'))}\t设置于 {rec.get('set_at', '')}"
                )
    except ValueError as e:
        print(f"错误：{e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
