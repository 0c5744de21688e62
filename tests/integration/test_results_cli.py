"""`contest rank` (INTERFACES.md): prints the ranking per group; errors in one line."""

import shutil

import pytest
from typer.testing import CliRunner

from contest import cli
from tests.integration.test_results import _scored_template  # noqa: F401  (fixture)

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def url(tmp_path, _scored_template, app_env):  # noqa: F811
    path = tmp_path / "scored.db"
    shutil.copy(_scored_template, path)
    url = f"sqlite:///{path}"
    app_env(url)  # DATABASE_URL for the command, caches cleared
    return url


def run_contest(*args, url, tmp_path):
    # In-process (the subprocess route is covered by the core's CLI tests): much faster.
    return CliRunner().invoke(cli.app, list(args))


def test_rank_prints_each_group_with_scores_judges_and_intervals(url, tmp_path):
    result = run_contest("rank", "--round", "preliminary", "--top", "3", "--draws", "200",
                         url=url, tmp_path=tmp_path)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Preliminary: method model")
    assert "Start-up" in out and "Growth" in out
    assert out.count("adjusted") == 2  # one header per group
    rows = [line for line in out.splitlines() if "GBA26-" in line]
    assert len(rows) == 6  # --top 3 in each of the two groups
    first = rows[0].split()
    assert first[0] == "1" and float(first[2]) > 0 and first[4] == "3"
    assert "-" in first[5]  # the 90 % rank interval, e.g. 1-2


def test_rank_with_another_method_prints_its_warning(url, tmp_path):
    result = run_contest("rank", "--round", "preliminary", "--method", "mean", "--draws", "0",
                         url=url, tmp_path=tmp_path)
    assert result.exit_code == 0, result.output
    assert "method mean" in result.stdout
    assert "note: Fair only when every judge scores every entry" in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (("--round", "quarterfinal"), "No round 'quarterfinal'"),
        (("--round", "preliminary", "--method", "best"), "Unknown method 'best'"),
        (("--round", "eligibility"), "is not scored"),
    ],
)
def test_rank_errors_are_one_clear_line(url, tmp_path, args, message):
    result = run_contest("rank", *args, url=url, tmp_path=tmp_path)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len([line for line in lines if line.startswith("error:")]) == 1
    assert message in result.stderr
