"""In Chromium: a new entrant registers, builds an entry with 5 patents (3 pasted into the
table, 2 from a workbook), uploads a PDF, submits, gets the receipt; after a reload the
entry, its patents, its document and the receipt are all still there."""

import re

import pytest
from playwright.sync_api import expect

from contest.services import demo
from tests.ui.test_entrant_journey import ACME, EMAIL, PASSWORD, workbook

pytestmark = pytest.mark.browser

PASTED = [
    ["ZL 2017 1060 1862.3", "invention", "Gripper", "granted", "2017-07-21", "2021-03-02", ACME],
    ["202020123456.8", "utility_model", "Housing", "granted", "2020-03-01", "2020-11-10", ACME],
    ["US10123456B2", "invention", "US member", "granted", "", "2019-11-12", ACME],
]
STORED = ["CN201710601862.3", "CN202020123456.8", "US10123456B2", "CN95115608.X", "HK1234567"]


def choose(page, label, option):
    page.get_by_label(label).click()
    page.get_by_role("option", name=option, exact=True).click()


def go_to(page, step):
    page.get_by_text(step, exact=True).click()


def stored_cell(page, text):
    # Table cells are drawn on a canvas; their text also sits in hidden grid cells.
    return page.locator("td[role='gridcell']", has_text=re.compile(f"^{re.escape(text)}$")).first


def saved(page, message, seconds: float = 5):
    expect(page.get_by_text(message)).to_be_visible(timeout=seconds * 1000)


def test_entrant_registers_submits_an_entry_and_finds_it_all_after_a_reload(live_app, page):
    app, _logins = live_app
    page.goto(app.url + "/register")
    page.get_by_label("Your name").fill("Lin Wei")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Organisation (the applicant of your entries)").fill(ACME)
    page.get_by_label("Password (at least 10 characters)").fill(PASSWORD)
    page.get_by_label("The same password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    # The same answer whether or not the address was in use; the new entrant then signs in.
    expect(page.get_by_text("its account is ready: sign in")).to_be_visible()
    page.get_by_role("link", name="Sign in").last.click()
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My entries")).to_be_visible()

    page.get_by_role("button", name="Start a new entry").click()
    expect(page.get_by_text("Status: draft")).to_be_visible()
    page.get_by_role("textbox", name="Title").fill("Robot gripper portfolio")
    choose(page, "Category", "Invention")
    choose(page, "Track (industry)", "High-end equipment")
    page.get_by_label("Summary").fill("Grippers that hold anything.")
    page.get_by_role("button", name="Save project").click()
    saved(page, "Project saved.")
    # A new title reaches the page's heading at once; a save that keeps the title reruns
    # only the step (a fragment) and still says so, under the same heading.
    heading = page.get_by_role("heading", name=re.compile("Robot gripper portfolio"))
    expect(heading).to_be_visible()
    page.get_by_label("Summary").fill("Grippers that hold anything, gently.")
    page.get_by_role("button", name="Save project").click()
    expect(page.get_by_text("Project saved.")).to_have_count(1)
    expect(page.get_by_label("Summary")).to_have_value("Grippers that hold anything, gently.")
    expect(heading).to_be_visible()

    go_to(page, "2 Applicant")
    choose(page, "Region", "Guangdong")
    choose(page, "Revenue last year (decides the group; universities and institutes are always start-up)",
           "Up to RMB 20 m (or none yet)")
    page.get_by_role("button", name="Save applicant").click()
    saved(page, "Applicant saved.")

    go_to(page, "3 Patents")
    grid = page.locator("[data-testid='stDataFrame']").first
    expect(grid).to_be_visible()
    box = grid.bounding_box()
    # Select the first cell of the table's empty row and paste three rows, as from a spreadsheet.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.evaluate("t => navigator.clipboard.writeText(t)", "\n".join("\t".join(r) for r in PASTED))
    page.mouse.click(box["x"] + 120, box["y"] + 52)
    page.wait_for_timeout(1000)
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)
    page.keyboard.press("Control+V")
    page.wait_for_timeout(1500)
    page.get_by_role("button", name="Save patents").click()
    saved(page, "Patents saved.")
    page.get_by_text("Add patents from a workbook (sheet 'patents')").click()
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        {"name": "patents.xlsx", "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "buffer": workbook()})
    expect(page.get_by_text("patents.xlsx")).to_be_visible()
    page.get_by_role("button", name="Add from workbook").click()
    saved(page, "Patents added from the workbook.")
    for normalised in STORED:
        expect(stored_cell(page, normalised)).to_be_attached()

    go_to(page, "4 Core patent")
    expect(page.get_by_role("button", name="Save core patent")).to_be_visible()
    choose(page, "Core patent (granted on or after the cut-off, held by the applicant)",
           "CN201710601862.3 – Gripper")
    page.get_by_role("button", name="Save core patent").click()
    saved(page, "Core patent saved.")

    go_to(page, "5 Documents")
    expect(page.get_by_text(re.compile(r"^PDF file \(at most \d+ MB\)"))).to_be_visible()
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        {"name": "Evaluation report.pdf", "mimeType": "application/pdf",
         "buffer": demo.demo_pdf("Report", ["Patent landscape"])})
    expect(page.get_by_text(re.compile(r"^\d+(\.\d+)?KB$"))).to_be_visible()  # the file waits in the uploader
    page.get_by_role("button", name="Upload", exact=True).click()
    saved(page, "Analysis and evaluation report uploaded.", seconds=90)  # checked in a worker process
    listed = re.compile(r"^Analysis and evaluation report: Evaluation report.pdf · \d+ pages")
    expect(page.get_by_text(listed)).to_be_visible()
    page.get_by_text("View", exact=True).click()  # the first page, drawn on the page as an image
    expect(page.get_by_test_id("stImage").locator("img")).to_be_visible()
    expect(page.get_by_text("Evaluation report.pdf · page 1 of 2")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download", exact=True).click()
    assert download.value.suggested_filename == "Evaluation report.pdf"
    assert open(download.value.path(), "rb").read().startswith(b"%PDF-")

    go_to(page, "6 Review and submit")
    page.get_by_role("button", name="Submit entry").click()
    saved(page, "Entry submitted. Keep the receipt below.")
    receipt = page.get_by_text(re.compile(r"^Receipt: entry GBA26-\d{4} submitted"))
    expect(receipt).to_be_visible()
    receipt_text = receipt.inner_text()

    page.wait_for_timeout(1000)  # the session cookie is set by a fetch after sign-in
    page.reload()
    expect(page.get_by_role("heading", name=re.compile("Robot gripper portfolio"))).to_be_visible()
    expect(page.get_by_text("Status: submitted")).to_be_visible()
    go_to(page, "1 Project")
    expect(page.get_by_label("Summary")).to_have_value("Grippers that hold anything, gently.")  # the second save
    go_to(page, "3 Patents")
    for normalised in STORED:
        expect(stored_cell(page, normalised)).to_be_attached()
    go_to(page, "5 Documents")
    expect(page.get_by_text(listed)).to_be_visible()
    go_to(page, "6 Review and submit")
    expect(page.get_by_text(receipt_text)).to_be_visible()
