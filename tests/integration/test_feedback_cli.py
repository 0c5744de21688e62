"""`contest feedback --round KEY --out DIR`: every entry's report of a published round, one
PDF per entry named by its code, with a progress line each; refused before publication."""

import io

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from contest import cli
from tests.integration.test_results import _scored_template  # noqa: F401  (fixture)
from tests.integration.test_results_cli import url  # noqa: F401  (fixture: a scored demo)

pytestmark = pytest.mark.sqlite_only


def contest(*args):
    return CliRunner().invoke(cli.app, list(args))


def test_feedback_writes_every_entrys_report_after_publication(url, tmp_path):  # noqa: F811
    out = tmp_path / "reports"
    refused = contest("feedback", "--round", "preliminary", "--out", str(out))
    assert refused.exit_code == 1 and "comes once its results are published" in refused.stderr
    assert not list(out.glob("*.pdf"))

    assert contest("advance", "--round", "preliminary").exit_code == 0
    assert contest("publish", "--round", "preliminary", "--kind", "advancement").exit_code == 0
    result = contest("feedback", "--round", "preliminary", "--out", str(out), "--language", "zh-Hant")
    assert result.exit_code == 0, result.output
    files = sorted(out.glob("*.pdf"))
    assert len(files) > 20 and all(f.stem.startswith("GBA26-") for f in files)
    progress = [line for line in result.stderr.splitlines() if line.startswith("feedback ")]
    assert progress[-1] == f"feedback {len(files)}/{len(files)}: {files[-1].name}"
    assert result.stdout.strip() == f"wrote {len(files)} feedback reports to {out}"
    text = PdfReader(io.BytesIO(files[0].read_bytes())).pages[0].extract_text()
    assert files[0].stem in text and "參賽項目回饋" in text
