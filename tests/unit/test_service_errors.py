"""A service's refusal raised in a worker process is raised again in the app whole: its
message id, parameters and every attribute (ServiceError.__reduce__, one rule for all)."""

import pickle

import pytest

from contest import workers
from contest.services import InvalidInput


@pytest.mark.parametrize("error", [
    workers.WorkTimedOut(600), workers.WorkFailed(), workers.WorkersBusy(),
    InvalidInput("common.rule_refused", problems=["first", "second"], problem="x"),
])
def test_a_refusal_comes_back_from_pickling_whole(error):
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error)
    assert back.message.id == error.message.id and back.message.params == error.message.params
    assert str(back) == str(error) and back.render("zh_Hant") == error.render("zh_Hant")
    assert vars(back).keys() == vars(error).keys()
    if isinstance(error, workers.WorkTimedOut):
        assert back.seconds == 600
    if isinstance(error, InvalidInput):
        assert back.problems == ["first", "second"]
