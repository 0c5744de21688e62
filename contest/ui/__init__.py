"""The Streamlit front end: the only package (with streamlit_app.py) that imports streamlit."""
