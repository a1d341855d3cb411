"""法治对标 dashboard entry point: page config, the sign-in gate and navigation (`make run`). Every page
answers at its own path (总览 at / and /overview); any other path shows a Chinese 未找到页面 with links
to the pages, instead of Streamlit's English "Page not found"."""

from urllib.parse import unquote, urlparse

import streamlit as st

from dashboard import auth, ui

# The icon is an emoji, drawn by the browser: a :material/…: icon would be fetched from fonts.gstatic.com.
st.set_page_config(page_title="法治对标", page_icon="⚖️", layout="wide")

OVERVIEW = "dashboard/pages/overview.py"
PAGES = [
    st.Page(OVERVIEW, title="总览", icon=":material/dashboard:", url_path="overview", default=True),
    st.Page("dashboard/pages/compare.py", title="对比", icon=":material/bar_chart:", url_path="compare"),
    st.Page("dashboard/pages/rank.py", title="排名", icon=":material/leaderboard:", url_path="rank"),
    st.Page(
        "dashboard/pages/profile.py", title="地区档案", icon=":material/location_city:", url_path="profile"
    ),
    st.Page("dashboard/pages/download.py", title="数据下载", icon=":material/download:", url_path="download"),
    st.Page("dashboard/pages/search.py", title="检索", icon=":material/search:", url_path="search"),
    st.Page("dashboard/pages/upload.py", title="导入报告", icon=":material/upload_file:", url_path="upload"),
]


def pages_for(path: str) -> list:
    """The pages for this address: the listed ones, with 总览 as a plain page when /overview is asked
    for (the default page answers only at /, yet reserves its own path), and the hidden 未找到页面
    at any path no page answers at."""
    if path == "overview":
        start = st.Page(
            "dashboard/pages/not_found.py",
            title="未找到页面",
            url_path="start",
            default=True,
            visibility="hidden",
        )
        overview = st.Page(OVERVIEW, title="总览", icon=":material/dashboard:", url_path="overview")
        return [overview, *PAGES[1:], start]
    return PAGES + hidden_pages(path)


def hidden_pages(path: str) -> list:
    """The 未找到页面 page, hidden from the sidebar, at the path the address bar asks for when no
    listed page answers there (none when one does)."""
    if path in {p.url_path for p in PAGES} or path == "":
        return []
    return [st.Page("dashboard/pages/not_found.py", title="未找到页面", url_path=path, visibility="hidden")]


requested = unquote(urlparse(st.context.url or "").path).strip("/").rsplit("/", 1)[-1]
try:
    pages = pages_for(requested)
except Exception:  # a path Streamlit cannot take as a page name: its own not-found, on 总览
    pages = PAGES
page = st.navigation(pages)
ui.chinese_chrome()  # Streamlit's own English words (its skip link) in Chinese
auth.require_reader()
auth.sidebar_status()
page.run()
