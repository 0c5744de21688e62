"""Every page of every role opens on the demo edition without an error, in English and
in Chinese: no user ever meets a traceback on first opening a page."""

import pytest

from contest.models import Role
from contest.ui import navigation
from tests.conftest import login_for
from tests.ui.apptest_helpers import PAGES, sign_in, start_app


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("role", [r.value for r in navigation.ROLE_ORDER])
def test_every_page_of_the_role_opens_without_an_error(demo_db, app_env, role, language):
    url, logins = demo_db
    app_env(url)
    at = start_app()
    at.selectbox(key="signin_language").select(language).run()
    sign_in(at, *login_for(logins, role))
    for spec in navigation.ROLE_PAGES[Role(role)]:
        at.switch_page(str(PAGES / spec.file))
        at.run()
        assert not at.exception, (spec.file, [e.message for e in at.exception])
        assert at.title, spec.file  # every page says what it is
