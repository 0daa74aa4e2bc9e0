# Wrong: a regular expression with \w, which also keeps "_" and non-ASCII letters.
# loses: test_clean_text
# %% solution id=clean_text
import re

def clean_text(text):
    text = re.sub(r"([.,!?])", r" \1 ", text.lower())
    text = re.sub(r"[^\w\s.,!?]", "", text)
    return " ".join(text.split())
