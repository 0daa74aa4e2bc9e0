# Wrong: filters a-z before lowercasing, so capital letters are removed.
# loses: test_clean_text
# %% solution id=clean_text
def clean_text(text):
    out = []
    for ch in text:
        if ch in ".,!?":
            out.append(f" {ch} ")
        elif "a" <= ch <= "z" or "0" <= ch <= "9" or ch.isspace():
            out.append(ch)
    return " ".join("".join(out).split()).lower()
