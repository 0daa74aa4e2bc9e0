# Wrong: replaces other symbols by a space instead of removing them ("A-B" becomes "a b").
# loses: test_clean_text
# %% solution id=clean_text
def clean_text(text):
    out = []
    for ch in text.lower():
        if ch in ".,!?":
            out.append(f" {ch} ")
        elif "a" <= ch <= "z" or "0" <= ch <= "9":
            out.append(ch)
        else:
            out.append(" ")
    return " ".join("".join(out).split())
