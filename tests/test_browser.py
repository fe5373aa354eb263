"""``lmsgraph serve`` in a real browser: Debian's headless Chromium, driven by Playwright (told
to use the system's Chromium, never to download one), on a server on loopback.

A reader's path through the site: the home page, a search for a synonym, the term it names,
down the hierarchy to a variant, a claim with its qualifiers and a citation followed to its
reference, a canned query's form filled in and its answer table read. Every step is saved as a
screenshot in the test's output folder. Markup in a case record is shown as text and never
runs, and no page asks for anything from another host."""

from __future__ import annotations

import shutil

import pytest

import lmsgraph

pytestmark = pytest.mark.browser

#: Chromium as root in a container: no sandbox; and no background traffic to Google's hosts.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOSTILE = '<script>window.ran = true</script><img src=x onerror="window.ran = true"> & co'


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from support.served import Served

    from lmsgraph.inputs import add_files
    from lmsgraph.serve.app import create_app
    from lmsgraph.store import bundled_store

    data = tmp_path_factory.mktemp("browser-data") / "cases.ttl"
    label = HOSTILE.replace('"', '\\"')
    data.write_text(
        "@prefix lmsg: <https://w3id.org/lmsgraph/> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f'lmsg:case-markup a lmsg:TumourCase ; rdfs:label "{label}"@en ; lmsg:diagnosis lmsg:MyxoidLeiomyosarcoma .\n',
        encoding="utf-8",
    )
    store = bundled_store()
    add_files(store, [data])
    served = Served(create_app(lmsgraph.connect(store=store)))
    yield served
    served.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, site, tmp_path):
    """A new page that records every request it makes and every dialog a script opens."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    tab = context.new_page()
    tab.requested = []
    tab.dialogs = []
    tab.on("request", lambda request: tab.requested.append(request.url))
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    tab.shots = tmp_path / "screenshots"
    tab.shots.mkdir()
    yield tab
    context.close()
    assert tab.requested and all(url.startswith(site.url + "/") for url in tab.requested), tab.requested


def shot(page, name: str) -> None:
    path = page.shots / f"{len(list(page.shots.iterdir())) + 1:02d}-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 1000


def test_a_reader_searches_follows_the_hierarchy_and_reads_a_cited_claim(page, site):
    page.goto(site.url + "/")
    assert page.locator("h1").inner_text() == "lmsgraph"
    assert page.locator("ul.tree li").count() >= 8
    shot(page, "home")

    page.fill("input[name=q]", "inflammatory LMS")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/search?q=*")
    result = page.locator("ul.matches li a").first
    assert result.inner_text() == "inflammatory leiomyosarcoma"
    shot(page, "search")
    result.click()
    page.wait_for_url("**/InflammatoryLeiomyosarcoma")
    assert page.locator("h1").inner_text() == "inflammatory leiomyosarcoma"
    shot(page, "term")

    # Up the hierarchy to leiomyosarcoma NOS, then down to another variant.
    page.locator("#hierarchy a", has_text="leiomyosarcoma").filter(has_not_text="smooth").first.click()
    page.wait_for_url("**/Leiomyosarcoma")
    page.locator("#hierarchy a", has_text="epithelioid leiomyosarcoma").click()
    page.wait_for_url("**/EpithelioidLeiomyosarcoma")
    assert page.locator("h1").inner_text() == "epithelioid leiomyosarcoma"
    shot(page, "variant")

    # A claim: its statement, every qualifier the claim has, and a citation followed to the reference.
    kg = lmsgraph.connect()
    profile = kg.entity("lmsg:EpithelioidLeiomyosarcoma")[0]
    claim = profile.claims[0]
    shown = page.locator(f"[id='{claim.curie}']")
    text = " ".join(shown.inner_text().split())
    assert claim.statement() in text
    for name, value in claim.qualifier_items():
        assert f"{name} {value}" in text
    ref = shown.locator("a.ref").first
    number = ref.inner_text().strip("[]")
    ref.click()
    reference = page.locator(f"#cite-{number}")
    assert reference.is_visible()
    record = profile.citations[claim.citations()[0]]
    assert " ".join(record.full().split()) in " ".join(reference.inner_text().split())
    shot(page, "claim-and-reference")


def test_a_reader_fills_a_canned_query_form_and_reads_the_answer(page, site):
    page.goto(site.url + "/queries")
    page.click("a[href='/queries/markers-of-entity']")
    page.wait_for_url("**/queries/markers-of-entity")
    shot(page, "form")
    page.fill("input[name=entity]", "inflammatory leiomyosarcoma")
    page.click("form.params button[type=submit]")
    page.wait_for_selector("table.answer")
    expected = lmsgraph.connect().query("markers-of-entity", entity="inflammatory leiomyosarcoma")
    rows = page.locator("table.answer tbody tr")
    assert rows.count() == len(expected) > 0
    headers = page.locator("table.answer thead th").all_inner_texts()
    assert headers == expected.variables
    first = dict(zip(headers, rows.first.locator("td").all_inner_texts(), strict=True))
    assert first["markerLabel"] == expected[0]["markerLabel"]
    assert first["qualifiers"] == " ".join(str(expected[0]["qualifiers"]).split())
    shot(page, "answer")


def test_markup_in_a_case_record_is_shown_and_never_runs(page, site):
    page.goto(site.url + "/MyxoidLeiomyosarcoma")
    case = page.locator("#cases a", has_text="window.ran")
    assert " ".join(case.inner_text().split()) == " ".join(HOSTILE.split())
    case.click()
    page.wait_for_url("**/case-markup")
    assert " ".join(page.locator("h1").inner_text().split()) == " ".join(HOSTILE.split())
    assert page.evaluate("window.ran === undefined") and not page.dialogs
    shot(page, "markup-as-text")
