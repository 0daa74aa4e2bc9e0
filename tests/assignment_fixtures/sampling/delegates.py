# Cheat: the four choosers delegate to the course package genai_lab (switched off at
# grading). generate is written by the student but calls them, so it fails too.
# expect: test_greedy=0 test_top_k=0 test_top_p=0 test_sample=0 test_generate_greedy=0 test_generate_sampling=0 test_generate_filters=0
# %% solution id=greedy
import genai_lab.sampling as course

def greedy(logits):
    return int(course.greedy(logits))
# %% solution id=top_k
from genai_lab.sampling import top_k_filter
# %% solution id=top_p
from genai_lab.sampling import top_p_filter
# %% solution id=sample
def sample(probs, rng):
    return int(course.sample_from(probs, rng))
