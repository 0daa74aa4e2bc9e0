# Cheat: every function delegates to the course package genai_lab. At grading genai_lab is
# switched off, so every cell (all use these functions in their hidden tests) scores 0.
# expect: test_softmax_basics=0 test_softmax_stable=0 test_softmax_last_axis=0 test_softmax_temperature=0 test_log_softmax=0 test_cross_entropy=0 test_cross_entropy_targets=0
# %% solution id=softmax
from genai_lab.softmax import softmax as _course_softmax
import genai_lab.softmax

def softmax(logits, temperature=1.0):
    return _course_softmax(logits, temperature=temperature)
# %% solution id=log_softmax
def log_softmax(logits):
    return genai_lab.softmax.log_softmax(logits)
# %% solution id=cross_entropy
def cross_entropy(logits, targets):
    from genai_lab.softmax import softmax_cross_entropy
    return float(softmax_cross_entropy(logits, targets)[0])
