"""未找到页面: an address no page answers at, with links to every page."""

import streamlit as st

st.title("未找到页面")
st.warning("这个地址没有对应的页面，可能是链接抄错了或页面已改名。请从下面选择要去的页面：")
for path, title, icon in (
    ("dashboard/pages/overview.py", "总览", ":material/dashboard:"),
    ("dashboard/pages/compare.py", "对比", ":material/bar_chart:"),
    ("dashboard/pages/rank.py", "排名", ":material/leaderboard:"),
    ("dashboard/pages/profile.py", "地区档案", ":material/location_city:"),
    ("dashboard/pages/download.py", "数据下载", ":material/download:"),
    ("dashboard/pages/search.py", "检索", ":material/search:"),
    ("dashboard/pages/upload.py", "导入报告", ":material/upload_file:"),
):
    st.page_link(path, label=title, icon=icon)
