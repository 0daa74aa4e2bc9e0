/* "Test yourself": draw a test from the question bank embedded in the page, and score it.
 *
 * The page holds a div of class "genai-selftest" with the bank as JSON in a script
 * element of type "application/json" and class "genai-selftest-bank". Everything runs in the
 * page: no kernel, no network. The draw is deterministic: the same seed (shown on the page,
 * also read from "?seed=N" or "#seed=N" in the address) always gives the same questions in
 * the same order.
 */
(function () {
  "use strict";

  // mulberry32: a tiny seeded random number generator, returns numbers in [0, 1).
  function generator(seed) {
    var a = seed >>> 0;
    return function () {
      a = (a + 0x6D2B79F5) >>> 0;
      var t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function shuffled(items, random) {  // Fisher-Yates on a copy
    var out = items.slice();
    for (var i = out.length - 1; i > 0; i--) {
      var j = Math.floor(random() * (i + 1));
      var tmp = out[i]; out[i] = out[j]; out[j] = tmp;
    }
    return out;
  }

  // Draw counts[level] questions per level, spreading them over as many chapters as
  // possible; the result is ordered easy, medium, hard.
  function draw(bank, seed, counts, levels) {
    var random = generator(seed);
    var test = [];
    var usedChapters = {};
    levels.forEach(function (level) {
      var pool = shuffled(bank.filter(function (q) { return q.level === level; }), random);
      var fresh = pool.filter(function (q) { return !usedChapters[q.chapter]; });
      var again = pool.filter(function (q) { return usedChapters[q.chapter]; });
      fresh.concat(again).slice(0, counts[level] || 0).forEach(function (q) {
        usedChapters[q.chapter] = true;
        test.push(q);
      });
    });
    return test;
  }

  function esc(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;");
  }

  // Escaped text with `inline code` marked up (the bank's only markup).
  function rich(text) {
    return esc(text).replace(/`([^`]+)`/g, "<code>$1</code>");
  }

  function el(tag, cls, html) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (html !== undefined) { node.innerHTML = html; }
    return node;
  }

  // "1,536" and "1 536" are thousands; "0,625" (one comma, not three digits after) is a
  // decimal comma.
  function parseNumber(text) {
    var cleaned = String(text).trim().replace(/\s+/g, "");
    if (/^[-+]?[1-9]\d{0,2}(,\d{3})+(\.\d+)?$/.test(cleaned)) {
      cleaned = cleaned.replace(/,/g, "");
    } else {
      cleaned = cleaned.replace(",", ".");
    }
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(cleaned)) { return NaN; }
    return parseFloat(cleaned);
  }

  function renderQuestion(q, number, root) {
    var box = el("section", "genai-selftest-question");
    box.setAttribute("data-qid", q.id);
    box.setAttribute("data-kind", q.kind);
    box.setAttribute("data-level", q.level);
    var link = root.getAttribute("data-link-suffix");
    var chapter = link === null || link === "" ? esc(q.chapter_title)
      : '<a href="' + esc(q.chapter + link) + '">' + esc(q.chapter_title) + "</a>";
    box.appendChild(el("p", "genai-selftest-meta",
      '<span class="genai-selftest-level genai-selftest-level-' + esc(q.level) + '">' +
      esc(q.level) + "</span> " + chapter));
    box.appendChild(el("p", "genai-selftest-prompt",
      "<strong>" + number + ".</strong> " + rich(q.prompt)));
    if (q.code) {
      var pre = el("pre", "genai-selftest-code");
      pre.textContent = q.code;
      box.appendChild(pre);
    }
    var name = "genai-q-" + q.id;
    if (q.kind === "number") {
      var label = el("label", "genai-selftest-number", "Your answer: ");
      var input = el("input");
      input.type = "text";
      input.inputMode = "decimal";
      input.name = name;
      input.setAttribute("aria-label", "answer to question " + number);
      label.appendChild(input);
      box.appendChild(label);
    } else {
      if (q.kind === "several") {
        box.appendChild(el("p", "genai-selftest-hint", "Choose every correct answer."));
      }
      var list = el("div", "genai-selftest-options");
      q.options.forEach(function (option, i) {
        var row = el("label", "genai-selftest-option");
        var box_ = el("input");
        box_.type = q.kind === "several" ? "checkbox" : "radio";
        box_.name = name;
        box_.value = String(i);
        row.appendChild(box_);
        var text = el("span", "genai-selftest-option-text");
        if (option.text.indexOf("\n") >= 0) {
          var code = el("code");
          code.textContent = option.text;
          text.appendChild(el("span", "genai-selftest-label", String.fromCharCode(65 + i)));
          text.appendChild(code);
        } else {
          text.innerHTML = '<span class="genai-selftest-label">' +
            String.fromCharCode(65 + i) + "</span> " + rich(option.text);
        }
        row.appendChild(text);
        list.appendChild(row);
      });
      box.appendChild(list);
    }
    box.appendChild(el("div", "genai-selftest-feedback"));
    return box;
  }

  // Score one question; write its feedback; return true if right.
  function score(q, box) {
    var feedback = box.querySelector(".genai-selftest-feedback");
    var parts = [];
    var ok;
    if (q.kind === "number") {
      var raw = box.querySelector("input").value;
      var value = parseNumber(raw);
      ok = !isNaN(value) && Math.abs(value - q.answer) <= q.tolerance + 1e-12;
      if (ok) {
        parts.push("<strong>Correct.</strong> " + rich(q.solution));
      } else {
        var slip = null;
        if (!isNaN(value)) {
          q.mistakes.forEach(function (m) {
            var near = Math.max(q.tolerance, 1e-9 * Math.abs(m.value));
            if (slip === null && Math.abs(value - m.value) <= near) { slip = m; }
          });
        }
        parts.push("<strong>Not quite.</strong> " +
          (raw.trim() === "" ? "No answer given. " : isNaN(value) ?
            "That is not a number. " : "") +
          (slip ? rich(slip.feedback) + " " : "") + rich(q.solution));
      }
    } else {
      var inputs = box.querySelectorAll("input");
      var chosen = [];
      Array.prototype.forEach.call(inputs, function (input) {
        if (input.checked) { chosen.push(parseInt(input.value, 10)); }
      });
      ok = q.options.every(function (option, i) {
        return option.correct === (chosen.indexOf(i) >= 0);
      });
      parts.push(ok ? "<strong>Correct.</strong>" :
        chosen.length === 0 ? "<strong>Not quite.</strong> No answer chosen." :
          "<strong>Not quite.</strong>");
      var items = q.options.map(function (option, i) {
        var picked = chosen.indexOf(i) >= 0;
        var mark = option.correct ? (picked ? "your answer, right" : "the right answer")
          : (picked ? "your answer, wrong" : "not right");
        return '<li class="' + (option.correct ? "genai-selftest-is-right" :
          "genai-selftest-is-wrong") + '"><strong>' + String.fromCharCode(65 + i) +
          "</strong> (" + mark + "): " + rich(option.feedback) + "</li>";
      }).join("");
      parts.push("<ul>" + items + "</ul>");
    }
    feedback.innerHTML = parts.join(" ");
    box.classList.remove("genai-selftest-right", "genai-selftest-wrong");
    box.classList.add(ok ? "genai-selftest-right" : "genai-selftest-wrong");
    box.setAttribute("data-result", ok ? "right" : "wrong");
    return ok;
  }

  function seedFromAddress(fallback) {
    var match = /[?#&]seed=(\d+)/.exec((window.location.search || "") +
                                        (window.location.hash || ""));
    return match ? parseInt(match[1], 10) : fallback;
  }

  function wire(root) {
    if (root.getAttribute("data-selftest-ready") === "1") { return; }
    root.setAttribute("data-selftest-ready", "1");
    var bank = JSON.parse(root.querySelector("script.genai-selftest-bank").textContent);
    var levels = ["easy", "medium", "hard"];
    var counts = JSON.parse(root.getAttribute("data-counts"));
    var seed = seedFromAddress(parseInt(root.getAttribute("data-seed"), 10));
    var ui = el("div", "genai-selftest-ui");
    root.appendChild(ui);

    function start() {
      var test = draw(bank, seed, counts, levels);
      ui.innerHTML = "";
      var head = el("div", "genai-selftest-head");
      head.appendChild(el("p", "genai-selftest-about",
        test.length + " questions (" + levels.map(function (l) {
          return test.filter(function (q) { return q.level === l; }).length + " " + l;
        }).join(", ") + ") drawn from " + bank.length + " with seed <strong class=" +
        '"genai-selftest-seed">' + seed + "</strong>. The same seed always gives the same " +
        "test: write it down to take it again."));
      var again = el("button", "genai-selftest-new", "New test (seed " + (seed + 1) + ")");
      again.type = "button";
      again.addEventListener("click", function () {
        seed += 1;
        if (window.history && window.history.replaceState) {
          window.history.replaceState(null, "", window.location.pathname + "?seed=" + seed);
        }
        start();
      });
      head.appendChild(again);
      ui.appendChild(head);
      var boxes = test.map(function (q, i) {
        var box = renderQuestion(q, i + 1, root);
        ui.appendChild(box);
        return box;
      });
      var scoreButton = el("button", "genai-selftest-score-button", "Score my test");
      scoreButton.type = "button";
      var result = el("p", "genai-selftest-result");
      result.setAttribute("aria-live", "polite");
      scoreButton.addEventListener("click", function () {
        var right = 0;
        var byLevel = {};
        test.forEach(function (q, i) {
          var ok = score(q, boxes[i]);
          right += ok ? 1 : 0;
          byLevel[q.level] = byLevel[q.level] || [0, 0];
          byLevel[q.level][0] += ok ? 1 : 0;
          byLevel[q.level][1] += 1;
        });
        result.setAttribute("data-score", String(right));
        result.innerHTML = "<strong>Score: " + right + " / " + test.length + "</strong> (" +
          levels.filter(function (l) { return byLevel[l]; }).map(function (l) {
            return l + " " + byLevel[l][0] + "/" + byLevel[l][1];
          }).join(", ") + "). Every question now shows why each answer is right or wrong; " +
          "the chapter link leads back to where it is taught.";
      });
      ui.appendChild(scoreButton);
      ui.appendChild(result);
    }
    start();
  }

  function wireAll() {
    Array.prototype.forEach.call(document.querySelectorAll(".genai-selftest"), wire);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wireAll);
  } else {
    wireAll();
  }
})();
