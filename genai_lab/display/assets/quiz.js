(function () {
  "use strict";
  function wire(quiz) {
    if (quiz.getAttribute("data-quiz-ready") === "1") { return; }
    quiz.setAttribute("data-quiz-ready", "1");
    var questions = quiz.querySelectorAll(".genai-quiz-question");
    Array.prototype.forEach.call(questions, function (question) {
      var options = question.querySelectorAll("details.genai-quiz-option");
      Array.prototype.forEach.call(options, function (option) {
        option.addEventListener("toggle", function () {
          if (!option.open) { return; }
          Array.prototype.forEach.call(options, function (other) {
            if (other !== option) { other.open = false; }
          });
          var right = option.getAttribute("data-correct") === "true";
          question.classList.remove("genai-quiz-right", "genai-quiz-wrong");
          question.classList.add(right ? "genai-quiz-right" : "genai-quiz-wrong");
          question.setAttribute("data-answered", option.getAttribute("data-label"));
        });
      });
    });
  }
  function wireAll() {
    Array.prototype.forEach.call(document.querySelectorAll(".genai-quiz"), wire);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wireAll);
  } else {
    wireAll();
  }
})();
