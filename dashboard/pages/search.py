"""检索: every figure in every report whose clause contains a phrase (from the mentions table)."""

import streamlit as st

from dashboard import data, downloads, export, ui
from dashboard.textview import escape_markdown as esc

st.title("检索")
ui.require_data()

st.caption("输入一个词（如“法律明白人”“公证”），列出所有报告中含这个词的句子里的数字。可点表头排序。")
phrase = ui.url_text(st, "检索词", key="q", placeholder="例如：法律明白人", max_chars=50).strip()
if not phrase:
    st.info("请输入检索词。")
    st.stop()
table = export.mentions_table(data.search_mentions(phrase))
if table.empty:
    st.warning(f"没有找到含“{esc(phrase)}”的数字。")
    st.stop()
st.write(f"找到 {len(table):,} 个数字，来自 {table['报告'].nunique()} 份报告。")
ui.value_grid(table)
downloads.table_buttons(lambda: [table], ["检索", phrase], key="dl")
