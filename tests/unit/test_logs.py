"""Log records lose password hashes, tokens and email addresses' names, in the message and in
the traceback, whatever logger wrote them and whichever handler writes them."""

import io
import logging

from contest import auth, logs


def test_a_logged_failure_keeps_its_story_but_not_its_secrets():
    password_hash = auth.hash_password("correct horse battery")
    token = auth.new_token()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("streamlit.error_util")  # where Streamlit logs an uncaught error
    logger.addHandler(handler)
    try:
        logs.install()
        try:  # the kind of message PostgreSQL puts in an error: the values are in its DETAIL
            raise RuntimeError(f'duplicate key value violates unique constraint "ix_user_email"\n'
                               f"DETAIL: Key (email)=(lin.wei@acme-robotics.com) already exists. "
                               f"[{password_hash}] ticket={token}")
        except RuntimeError as error:
            logger.error("Uncaught app execution for %s", "lin.wei@acme-robotics.com", exc_info=error)
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert "Uncaught app execution for l***@acme-robotics.com" in written
    assert "duplicate key value" in written and "Traceback" in written
    for secret in ("lin.wei@", password_hash, token, "$argon2id$"):
        assert secret not in written
