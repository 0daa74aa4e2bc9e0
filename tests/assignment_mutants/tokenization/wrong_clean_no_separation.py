# Wrong: keeps . , ! ? but does not put spaces around them.
# loses: test_clean_text
# %% solution id=clean_text
def clean_text(text):
    out = [ch for ch in text.lower()
           if ch in ".,!?" or "a" <= ch <= "z" or "0" <= ch <= "9" or ch.isspace()]
    return " ".join("".join(out).split())
