"""法治对标 dashboard entry point: page config and navigation only (`make run`)."""

import streamlit as st

st.set_page_config(page_title="法治对标", page_icon=":material/balance:", layout="wide")

PAGES = [
    st.Page(
        "dashboard/pages/overview.py",
        title="总览",
        icon=":material/dashboard:",
        url_path="overview",
        default=True,
    ),
    st.Page("dashboard/pages/compare.py", title="对比", icon=":material/bar_chart:", url_path="compare"),
    st.Page("dashboard/pages/rank.py", title="排名", icon=":material/leaderboard:", url_path="rank"),
    st.Page(
        "dashboard/pages/profile.py", title="地区档案", icon=":material/location_city:", url_path="profile"
    ),
    st.Page("dashboard/pages/download.py", title="数据下载", icon=":material/download:", url_path="download"),
    st.Page("dashboard/pages/search.py", title="检索", icon=":material/search:", url_path="search"),
    st.Page("dashboard/pages/upload.py", title="导入报告", icon=":material/upload_file:", url_path="upload"),
]

st.navigation(PAGES).run()
