# Correct: the string module's letter and digit sets, tokens by str.split().
# %% solution id=clean_text
import string

_KEEP = set(string.ascii_lowercase + string.digits)

def clean_text(text):
    pieces = []
    for ch in text.lower():
        if ch in "!?.,":
            pieces.append(" " + ch + " ")
        elif ch in _KEEP:
            pieces.append(ch)
        elif ch.isspace():
            pieces.append(" ")
    return " ".join("".join(pieces).split())
# %% solution id=build_vocab
def build_vocab(texts, min_count=1):
    counts = {}
    for text in texts:
        for token in tokenize(text):
            counts[token] = counts.get(token, 0) + 1
    keep = sorted(sorted(t for t in counts if counts[t] >= min_count),
                  key=lambda t: counts[t], reverse=True)   # stable: a-z within a count
    return dict(zip(SPECIAL_TOKENS + keep, range(len(SPECIAL_TOKENS) + len(keep))))
