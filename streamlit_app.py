"""Entry point: page config, sign-in, navigation built from the signed-in roles."""

import streamlit as st

from contest.ui import shell
from contest.ui.i18n import t

st.set_page_config(page_title=t("app.title"), page_icon=":material/workspace_premium:", layout="wide")
shell.main()
