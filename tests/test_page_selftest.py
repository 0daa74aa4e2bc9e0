"""The "test yourself" page in Chromium, offline: it draws a 10-question test from a seed
shown on the page, scores it in the page, and explains every option. Also the renderer's
input checks (no browser needed)."""
from __future__ import annotations

import json

import pytest

from browser import SCREENSHOTS
from genai_lab.bank import records
from genai_lab.display.selftest import DEFAULT_COUNTS, render_selftest

PAGE = "chapters/test_yourself.html"

# Fill in every question of the drawn test from the bank embedded in the page: the right
# answers (right=true) or answers that are wrong for every question (right=false).
ANSWER_ALL = """(right => {
  const root = document.querySelector('.genai-selftest');
  const bank = JSON.parse(root.querySelector('script.genai-selftest-bank').textContent);
  const byId = Object.fromEntries(bank.map(q => [q.id, q]));
  document.querySelectorAll('.genai-selftest-question').forEach(box => {
    const q = byId[box.dataset.qid];
    if (q.kind === 'number') {
      box.querySelector('input').value = String(right ? q.answer : q.answer + 10 * q.tolerance + 1);
    } else {
      box.querySelectorAll('input').forEach((input, i) => {
        input.checked = right ? q.options[i].correct : (!q.options[i].correct && i ===
          q.options.findIndex(o => !o.correct));
      });
    }
  });
  return true;
})"""

DRAWN = ("Array.from(document.querySelectorAll('.genai-selftest-question'))"
         ".map(b => b.dataset.qid + ':' + b.dataset.level)")


@pytest.fixture
def page(server, browser):
    base, _ = server
    requests = browser.open(f"{base}/{PAGE}")
    return base, requests


def test_page_draws_ten_questions_by_level_offline(page, browser):
    base, requests = page
    outside = [url for url in requests if not url.startswith(base) and not
               url.startswith("data:")]
    assert outside == [], f"the page asked the network for {outside}"
    drawn = browser.evaluate(DRAWN)
    levels = [d.split(":")[1] for d in drawn]
    assert len(drawn) == sum(DEFAULT_COUNTS.values()) == 10
    assert levels == ["easy"] * 4 + ["medium"] * 3 + ["hard"] * 3
    assert len(set(drawn)) == 10
    assert browser.evaluate("document.querySelector('.genai-selftest-seed').textContent") == "1"
    chapters = browser.evaluate("new Set(Array.from(document.querySelectorAll("
                                "'.genai-selftest-meta a')).map(a => a.getAttribute('href')))"
                                ".size")
    assert chapters == 10  # ten questions from ten different chapters
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.screenshot(SCREENSHOTS / "test_yourself.png")


def test_all_right_scores_ten_and_a_real_click_counts(page, browser):
    browser.evaluate(ANSWER_ALL + "(true)")
    # one answer by a real mouse click: un-check the first choice question, then click its
    # correct option's label
    qid = browser.evaluate("""(() => {
      const box = Array.from(document.querySelectorAll('.genai-selftest-question'))
        .find(b => b.dataset.kind === 'single' || b.dataset.kind === 'code');
      box.querySelectorAll('input').forEach(i => { i.checked = false; });
      return box.dataset.qid; })()""")
    bank = {q["id"]: q for q in records()}
    index = next(i for i, o in enumerate(bank[qid]["options"]) if o["correct"])
    browser.click(f'section[data-qid="{qid}"] label.genai-selftest-option:nth-child({index + 1})')
    browser.click(".genai-selftest-score-button")
    assert browser.evaluate("document.querySelector('.genai-selftest-result').dataset.score") == "10"
    results = browser.evaluate("Array.from(document.querySelectorAll("
                               "'.genai-selftest-question')).map(b => b.dataset.result)")
    assert results == ["right"] * 10
    assert "10 / 10" in browser.evaluate(
        "document.querySelector('.genai-selftest-result').textContent")


def test_all_wrong_scores_zero_with_feedback_for_every_option(page, browser):
    browser.evaluate(ANSWER_ALL + "(false)")
    browser.click(".genai-selftest-score-button")
    assert browser.evaluate("document.querySelector('.genai-selftest-result').dataset.score") == "0"
    boxes = browser.evaluate("""Array.from(document.querySelectorAll('.genai-selftest-question'))
      .map(b => [b.dataset.kind, b.querySelectorAll('.genai-selftest-option').length,
                 b.querySelectorAll('.genai-selftest-feedback li').length,
                 b.querySelector('.genai-selftest-feedback').textContent])""")
    for kind, n_options, n_feedback, text in boxes:
        assert text.startswith("Not quite.")
        if kind != "number":
            assert n_feedback == n_options  # every option explained


def test_a_typical_mistake_gets_its_own_hint(server, browser):
    base, _ = server
    bank = records()
    # find a seed whose test holds a number question (the draw is deterministic)
    for seed in range(1, 40):
        browser.open(f"{base}/{PAGE}?seed={seed}")
        qids = [d.split(":")[0] for d in browser.evaluate(DRAWN)]
        numbers = [q for q in bank if q["id"] in qids and q["kind"] == "number"]
        if numbers:
            break
    q = numbers[0]
    mistake = q["mistakes"][0]
    browser.evaluate(f"document.querySelector('section[data-qid=\"{q['id']}\"] input')"
                     f".value = {json.dumps(repr(mistake['value']))}")
    browser.click(".genai-selftest-score-button")
    text = browser.evaluate(f"document.querySelector('section[data-qid=\"{q['id']}\"] "
                            ".genai-selftest-feedback').textContent")
    assert text.startswith("Not quite.")
    assert mistake["feedback"] in text and q["solution"] in text


def test_new_test_moves_to_the_next_seed_and_a_seed_is_repeatable(page, browser):
    base, _ = page
    first = browser.evaluate(DRAWN)
    browser.click(".genai-selftest-new")
    assert browser.evaluate("document.querySelector('.genai-selftest-seed').textContent") == "2"
    second = browser.evaluate(DRAWN)
    assert second != first and len(second) == 10
    browser.open(f"{base}/{PAGE}?seed=2")
    assert browser.evaluate(DRAWN) == second
    browser.open(f"{base}/{PAGE}?seed=1")
    assert browser.evaluate(DRAWN) == first


# ---- the renderer, without a browser ----------------------------------------------------------
def test_render_embeds_the_bank_safely_and_checks_its_input():
    html = render_selftest(records())._repr_html_()
    assert html.count('<script type="application/json"') == 1
    start = html.index('class="genai-selftest-bank">') + len('class="genai-selftest-bank">')
    embedded = json.loads(html[start:html.index("</script>", start)])
    assert [q["id"] for q in embedded] == [q["id"] for q in records()]
    tricky = [dict(records()[0], prompt="</script><script>alert(1)</script>")]
    html = render_selftest(tricky * 10, counts={"easy": 1})._repr_html_()
    assert "</script><script>alert" not in html
    with pytest.raises(ValueError, match="only"):
        render_selftest(records()[:3])
    with pytest.raises(ValueError, match="lacks"):
        render_selftest([{"id": "x"}])
    with pytest.raises(TypeError):
        render_selftest("not a list")
    with pytest.raises(ValueError, match="counts"):
        render_selftest(records(), counts={"expert": 2})
