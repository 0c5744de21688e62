"""An entrant's feedback report (contest.feedback.Report) as a PDF in the reader's language.

Written with reportlab in an embedded TrueType font that has Chinese characters, so zh-Hans
and zh-Hant reports render and their text can be copied or extracted. The font is
CONTEST_PDF_FONT when set, else the first of FONT_CANDIDATES present (Debian:
fonts-wqy-microhei). Without one an English report falls back to Helvetica (Chinese names
and comments in it would not show), and a Chinese report is refused (FontMissing).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer

from contest import i18n, labels
from contest.feedback import CriterionFeedback, Report

FONT_NAME = "ContestSans"
FALLBACK_FONT = "Helvetica"
# TrueType fonts with CJK glyphs, most likely first (reportlab cannot embed CFF-based OpenType
# such as Noto Sans CJK).
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",  # Fedora
    "/System/Library/Fonts/STHeiti Medium.ttc",  # macOS
)
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
ACCENT = colors.HexColor("#b2182b")
BOX = colors.HexColor("#92c5de")
LINE = colors.HexColor("#4d4d4d")


class FontMissing(RuntimeError):
    """No TrueType font with Chinese characters was found."""


_registered: dict[str, str] = {}


def find_font(configured: str | None = None) -> Path | None:
    """The font file to embed: the configured one if it exists, else a known one present."""
    for candidate in ((configured,) if configured else ()) + FONT_CANDIDATES:
        path = Path(candidate).expanduser()
        if path.is_file():
            return path
    return None


def _font(language: str, configured: str | None) -> str:
    path = find_font(configured)
    if path is None:
        if language != i18n.DEFAULT_LANGUAGE:
            raise FontMissing(str(configured or FONT_CANDIDATES[0]))
        return FALLBACK_FONT
    key = str(path)
    if key not in _registered:
        name = f"{FONT_NAME}{len(_registered) or ''}"
        pdfmetrics.registerFont(TTFont(name, key, subfontIndex=0) if key.endswith(".ttc")
                                else TTFont(name, key))
        _registered[key] = name
    return _registered[key]


def number(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.0f}"


class SpreadChart(Flowable):
    """One criterion: a scale from 0 to its maximum, the group's range as a line, its middle
    half as a box with the median across it, and the entry's score as a dot."""

    def __init__(self, item: CriterionFeedback, font: str, width: float = 150 * mm, height: float = 9 * mm):
        super().__init__()
        self.item, self.font, self.width, self.height = item, font, width, height

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def x(self, value: float) -> float:
        pad = 8 * mm
        top = self.item.max_points or 1.0
        return pad + (self.width - 2 * pad) * max(0.0, min(value, top)) / top

    def draw(self):
        c, g = self.canv, self.item.group
        middle = self.height * 0.6
        c.setStrokeColor(colors.lightgrey)
        c.setLineWidth(0.6)
        c.line(self.x(0), 2.5 * mm, self.x(self.item.max_points), 2.5 * mm)  # the scale
        c.setFont(self.font, 6.5)
        c.setFillColor(LINE)
        c.drawCentredString(self.x(0), 0, "0")
        c.drawCentredString(self.x(self.item.max_points), 0, number(self.item.max_points))
        c.setStrokeColor(LINE)
        c.line(self.x(g.low), middle, self.x(g.high), middle)  # the group's range
        c.setFillColor(BOX)
        c.rect(self.x(g.q1), middle - 1.6 * mm, max(self.x(g.q3) - self.x(g.q1), 0.8), 3.2 * mm,
               stroke=1, fill=1)
        c.setLineWidth(1.2)
        c.line(self.x(g.median), middle - 1.6 * mm, self.x(g.median), middle + 1.6 * mm)
        c.setFillColor(ACCENT)
        c.setStrokeColor(colors.white)
        c.circle(self.x(self.item.score), middle, 1.5 * mm, stroke=1, fill=1)


def render(report: Report, *, language: str = i18n.DEFAULT_LANGUAGE, font_file: str | None = None) -> bytes:
    """The report as PDF bytes in `language`. Judges appear only as a count."""
    font = _font(language, font_file)

    def say(message_id: str, **params) -> str:
        return escape(i18n.text(message_id, language, **params))

    def name(thing) -> str:
        return escape(labels.label_of(thing, language))

    def style(size: float, *, space: float = 2, color=colors.black) -> ParagraphStyle:
        return ParagraphStyle(f"s{size}{space}", fontName=font, fontSize=size, leading=size * 1.35,
                              spaceAfter=space, textColor=color)

    title, heading, body, small = style(17, space=6), style(12.5, space=3), style(10), \
        style(8.5, color=LINE)
    cjk = ParagraphStyle("cjk", parent=body, wordWrap="CJK")

    def text(value: str, kind: ParagraphStyle = body) -> Paragraph:
        """Typed text (titles, comments) wraps between any characters when it holds Chinese."""
        return Paragraph(value, ParagraphStyle(f"{kind.name}cjk", parent=kind, wordWrap="CJK")
                         if _CJK.search(value) or language != i18n.DEFAULT_LANGUAGE else kind)

    def bullets(comments: tuple[str, ...]) -> list:
        return [text("• " + escape(comment), body) for comment in comments]

    fb = report.feedback
    story = [
        text(say("feedback.pdf_title"), title),
        text(escape(report.edition), small),
        text(escape(f"{report.entry_code}: {report.entry_title or ''}".rstrip(": ")), heading),
        text(say("feedback.pdf_round_group", round=report.round, group=report.group), body),
        text(say("feedback.pdf_published", at=i18n.Moment(report.published_at, report.time_zone)), small),
        Spacer(1, 4 * mm),
        text(say("feedback.standing_heading"), heading),
    ]
    if fb.adjusted_score is None:
        story.append(text(say("feedback.no_adjusted_score"), body))
    else:
        story += [text(say("feedback.adjusted_line", score=number(fb.adjusted_score),
                           percentile=number(round(fb.percentile)), n=fb.group_size), body),
                  text(say("feedback.percentile_means"), small)]
    story += [text(say("feedback.judges_line", n=fb.judges), small), Spacer(1, 4 * mm),
              text(say("feedback.criteria_heading"), heading), text(say("feedback.chart_legend"), small)]
    for item in fb.criteria:
        g = item.group
        block = [Spacer(1, 2 * mm), text(name(item.label), style(11, space=1)),
                 text(say("feedback.criterion_line", score=number(item.score), max=number(item.max_points),
                          median=number(g.median), q1=number(g.q1), q3=number(g.q3), n=g.n), small),
                 SpreadChart(item, font), Spacer(1, 1.5 * mm)]
        if fb.comments_included:
            block += bullets(item.comments)
        story.append(KeepTogether(block))
    story.append(Spacer(1, 4 * mm))
    if fb.comments_included:
        story.append(text(say("feedback.general_heading"), heading))
        story += bullets(fb.general) or [text(say("feedback.no_comments"), small)]
        story.append(text(say("feedback.anonymous_note"), small))
    else:
        story.append(text(say("feedback.comments_not_shared"), small))

    out = io.BytesIO()
    document = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm, bottomMargin=18 * mm,
        title=i18n.text("feedback.pdf_title", language) + f" – {report.entry_code}",
        author=report.edition, creator="contest", subject=labels.label_of(report.round, language),
        lang=language, invariant=True)
    document.build(story)
    return out.getvalue()
