"""Entry point: page config, sign-in, navigation built from the signed-in roles."""

import streamlit as st

from contest.ui import shell

st.set_page_config(page_title="Patent Portfolio Contest", page_icon=":material/workspace_premium:", layout="wide")
shell.main()
