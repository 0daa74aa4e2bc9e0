# Correct: regular expressions for cleaning and re.findall for the tokens.
# %% solution id=clean_text
import re

def clean_text(text):
    text = re.sub(r"[^a-z0-9\s.,!?]", "", text.lower())
    text = re.sub(r"([.,!?])", r" \1 ", text)
    return re.sub(r"\s+", " ", text).strip()
# %% solution id=tokenize
def tokenize(text):
    return re.findall(r"\S+", clean_text(text))
