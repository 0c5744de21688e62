"""A demo user whose language is Chinese sees every main page of their role in Chinese:
titles, widget labels and messages come from the zh catalogue, and no page fails."""

import pytest
from sqlmodel import update

from contest import db
from contest.models import User
from tests.conftest import login_for
from tests.ui.apptest_helpers import PAGES, page_text, sign_in, start_app

# A few labels per page that only appear when the page is translated.
CHINESE_LABELS = {
    "organiser": {
        "organiser_conflicts.py": ["利益冲突", "自动查找利益冲突", "已记录的利益冲突", "添加冲突"],
        "organiser_assignment.py": ["评审分配", "预览分配", "当前分配", "手动调整"],
        "organiser_progress.py": ["评审进度", "已分配", "各赛道覆盖情况", "向未完成评审的评委发送提醒"],
        "organiser_results.py": ["评审结果", "请选择轮次和方法", "区间抽样次数"],
        "organiser_reliability.py": ["评分可靠性", "生成报告"],
        "organiser_decisions.py": ["决定与公示", "决定晋级", "本次决定采用的排名方法", "公示", "向参赛者提供反馈"],
        "judge_sheets.py": ["评分表", "项目编号", "已申报的利益冲突"],
        "organiser_audit.py": ["操作记录", "记录编号（可选）"],
        "organiser_board_control.py": ["现场看板控制", "轮次", "本轮尚无已分配评委的项目：请先为本轮分配评委。"],
        "organiser_board.py": ["现场看板", "尚无现场看板：请在现场看板控制页面让一个项目上台。"],
    },
    "judge": {
        "judge_home.py": ["我的评审任务", "按编号或名称搜索", "已完成"],
        "judge_score.py": ["项目评分", "专利组合", "总体评语", "保存草稿", "申报利益冲突"],
    },
    "entrant": {
        "entrant_home.py": ["我的参赛项目", "新建参赛项目", "打开项目", "评委反馈"],  # statuses: the services' words (part B)
        "entrant_profile.py": ["个人资料", "电话", "保存资料"],
        "published_results.py": ["公示结果"],
    },
    "observer": {
        "observer_home.py": ["入围项目", "赛段：", "我希望与该团队对接"],
        "published_results.py": ["公示结果"],
    },
}




def shown(at) -> str:
    """The page's texts plus the labels of its widgets, tabs and expanders."""
    labels = []
    for kind in ("button", "selectbox", "multiselect", "text_input", "text_area", "number_input", "checkbox",
                 "toggle", "radio", "slider", "tabs", "expander"):
        labels += [str(getattr(w, "label", "")) for w in getattr(at, kind)]
    return page_text(at) + "\n" + "\n".join(labels)


def signed_in_chinese(logins, role):
    """Sign in the way a Chinese-speaking user does: 中文 chosen on the sign-in page."""
    at = start_app()
    at.selectbox(key="signin_language").select("zh-Hans").run()
    return sign_in(at, *login_for(logins, role))


@pytest.fixture
def chinese_demo(demo_db, app_env):
    url, logins = demo_db
    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        s.exec(update(User).values(language="zh-Hans"))
        s.commit()
    engine.dispose()
    app_env(url)
    return logins


@pytest.mark.parametrize("role", sorted(CHINESE_LABELS))
def test_every_main_page_of_the_role_speaks_chinese(chinese_demo, role):
    at = signed_in_chinese(chinese_demo, role)
    assert not at.exception
    for page, labels in CHINESE_LABELS[role].items():
        at.switch_page(str(PAGES / page))
        at.run()
        assert not at.exception, page
        text = shown(at)
        missing = [label for label in labels if label not in text]
        assert not missing, f"{page}: {missing}"


def test_entrant_opens_their_entry_and_reads_the_editor_in_chinese(chinese_demo):
    at = signed_in_chinese(chinese_demo, "entrant")
    next(b for b in at.button if b.key == "open_entry").click().run()
    assert not at.exception
    text = shown(at)
    assert "状态：" in text and "项目简介" in text and "保存项目" in text
    at.radio(key="entry_step").set_value("review").run()
    assert not at.exception
    assert "资格检查" in shown(at)


def test_a_new_judge_reads_the_confidentiality_undertaking_in_chinese(chinese_demo, demo_db):
    url, _ = demo_db
    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        s.exec(update(User).values(confidentiality_ack_at=None))
        s.commit()
    engine.dispose()
    at = signed_in_chinese(chinese_demo, "judge")
    assert not at.exception
    text = shown(at)
    assert "保密承诺" in text and "我承诺在大赛期间及结束后对上述全部内容保密" in text and "接受并继续" in text


@pytest.mark.parametrize(("page", "labels"), [
    ("entrant_register.py", ["参赛者注册", "创建账号", "单位（参赛项目的申报单位）"]),
    ("invitation.py", ["设置密码"]),  # why the link fails: the service's words (part B)
])
def test_visitor_who_chooses_chinese_reads_public_pages_in_chinese(chinese_demo, page, labels):
    at = start_app()
    at.selectbox(key="signin_language").select("zh-Hans").run()
    at.switch_page(str(PAGES / page))
    at.run()
    assert not at.exception
    text = shown(at)
    assert [label for label in labels if label not in text] == []


def test_a_user_whose_stored_language_is_chinese_gets_chinese_without_choosing_it_again(chinese_demo):
    at = sign_in(start_app(), *login_for(chinese_demo, "judge"))
    assert "我的评审任务" in shown(at)
