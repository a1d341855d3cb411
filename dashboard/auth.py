"""Who is signed in and what they may do. Reading is open unless the users file says `signin`;
anything that changes data (upload, correction, rebuild) needs an editor.

The API for pages:
    current_user() -> User | None        the signed-in person (name, role), or None
    editor_name() -> str | None          the signed-in editor's name, or None (no form shown)
    require_editor(action, stop=True)    the editor's name; else a Chinese sign-in form and st.stop()
                                         (stop=False: the form, then None, and the page goes on)
    require_reader()                     app.py: the sign-in form when reading needs it
    sign_out()

Sessions live in the browser tab's session state and expire after FAZHI_SESSION_MINUTES idle
(default 60) or 12 hours; failed sign-ins for a name are slowed (per-name backoff). With
FAZHI_TRUST_HEADER set (e.g. X-Forwarded-User), the office's reverse proxy signs people in instead:
the header's name is taken as is and its role comes from the users file (viewer when absent)."""

from __future__ import annotations

import os
import threading
import time
import zlib

import streamlit as st

from dashboard import users
from dashboard.textview import escape_markdown as esc
from dashboard.users import User

_KEY = "_fazhi_auth"
MAX_HOURS = 12


def session_minutes() -> float:
    try:
        return max(1.0, float(os.environ.get("FAZHI_SESSION_MINUTES", "60")))
    except ValueError:
        return 60.0


def trusted_header() -> str | None:
    """The header a reverse proxy sets to the signed-in name; only when configured."""
    return os.environ.get("FAZHI_TRUST_HEADER", "").strip() or None


class Backoff:
    """Per-name slowing of failed sign-ins: after `free` failures each further try waits twice as
    long (1, 2, 4 … up to `cap` seconds); a success clears the name. Shared by all sessions."""

    def __init__(self, free: int = 3, cap: float = 300.0, clock=time.monotonic):
        self.free, self.cap, self.clock = free, cap, clock
        self._fails: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def wait_left(self, name: str) -> float:
        """Seconds before `name` may try again (0 when it may now)."""
        with self._lock:
            count, last = self._fails.get(name, (0, 0.0))
        if count < self.free:
            return 0.0
        delay = min(self.cap, 2.0 ** (count - self.free))
        return max(0.0, last + delay - self.clock())

    def failed(self, name: str) -> None:
        with self._lock:
            count, _ = self._fails.get(name, (0, 0.0))
            self._fails[name] = (count + 1, self.clock())

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._fails.pop(name, None)


BACKOFF = Backoff()


def _from_header(header: str) -> User | None:
    name = (st.context.headers.get(header) or "").strip()
    if not name:
        return None
    return User(name, users.role_of(name) or "viewer")


def current_user() -> User | None:
    """The signed-in person, or None; an expired session, a removed user or a changed role is
    noticed here (the users file is read again each time)."""
    header = trusted_header()
    if header:
        return _from_header(header)
    s = st.session_state.get(_KEY)
    if not s:
        return None
    now = time.time()
    role = users.role_of(s["name"])
    if role is None or now - s["seen"] > session_minutes() * 60 or now - s["since"] > MAX_HOURS * 3600:
        st.session_state.pop(_KEY, None)
        st.session_state["_fazhi_auth_note"] = "登录已过期，请重新登录。" if role else "该用户已被删除。"
        return None
    s["seen"] = now
    return User(s["name"], role)


def editor_name() -> str | None:
    """The signed-in editor's name, or None: what a correction or an upload records as `who`."""
    user = current_user()
    return user.name if user and user.is_editor else None


def sign_out() -> None:
    st.session_state.pop(_KEY, None)


def _try_sign_in(name: str, password: str) -> str | None:
    """Sign in, or a Chinese reason why not (wrong password, too many tries)."""
    name = name.strip()
    if not name or not password:
        return "请输入用户名和密码。"
    wait = BACKOFF.wait_left(name)
    if wait > 0:
        return f"该用户名登录失败次数过多，请 {wait:.0f} 秒后再试。"
    user = users.verify(name, password)
    if user is None:
        BACKOFF.failed(name)
        return "用户名或密码不正确。"
    BACKOFF.succeeded(name)
    now = time.time()
    st.session_state[_KEY] = {"name": user.name, "since": now, "seen": now}
    return None


def sign_in_form(purpose: str, key: str = "signin") -> None:
    """A Chinese sign-in form; on success the page reruns signed in."""
    note = st.session_state.pop("_fazhi_auth_note", None)
    if note:
        st.warning(note)
    if trusted_header():
        st.info(f"{purpose}：请通过单位的统一登录进入本系统（当前未识别到登录身份）。")
        return
    with st.form(key, border=True):
        st.markdown(f"**登录** · {purpose}")
        name = st.text_input("用户名", key=f"{key}_name")
        password = st.text_input("密码", type="password", key=f"{key}_password")
        if st.form_submit_button("登录", type="primary"):
            problem = _try_sign_in(name, password)
            if problem:
                st.error(problem)
            else:
                st.rerun()


def require_editor(action: str, *, stop: bool = True) -> str | None:
    """The signed-in editor's name; otherwise say what is needed, show the sign-in form and stop
    the page (or return None with stop=False, so a page can keep its read-only part)."""
    name = editor_name()
    if name:
        return name
    user = current_user()
    if user:
        st.warning(f"{action}需要编辑权限；{esc(user.name)} 的角色是“{user.role_name}”。请换用编辑账号登录。")
    else:
        st.info(f"{action}需要编辑人员登录。")
    if not trusted_header() and not any(r.get("role") == "editor" for r in users.load()["users"].values()):
        with st.expander("尚未设置编辑账号：管理员如何添加"):  # the command itself only when asked for
            st.caption("请管理员在服务器上运行：")
            st.code("python -m dashboard.users add 姓名 --role editor", language="bash")
    sign_in_form(action, key=f"signin_{zlib.crc32(action.encode()):08x}")
    if stop:
        st.stop()
    return None


def require_reader() -> None:
    """When the users file asks for sign-in to read, show the form and stop until signed in."""
    if current_user() or (not trusted_header() and not users.reading_needs_signin()):
        return
    st.title("法治对标")
    sign_in_form("查看本系统需要登录", key="signin_read")
    st.stop()


def sidebar_status() -> None:
    """Who is signed in (and a sign-out button), at the foot of the sidebar."""
    user = current_user()
    with st.sidebar:
        if user is None:
            st.caption("未登录：只能查看。导入和更正需编辑人员登录。")
        else:
            st.caption(f"已登录：{esc(user.name)}（{user.role_name}）")
            if not trusted_header() and st.button("退出登录", key="sign_out", icon=":material/logout:"):
                sign_out()
                st.rerun()
