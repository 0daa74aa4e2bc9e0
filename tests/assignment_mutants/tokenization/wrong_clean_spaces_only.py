# Wrong: collapses runs of " " only; tabs and newlines stay.
# loses: test_clean_text
# %% solution id=clean_text
def clean_text(text):
    out = []
    for ch in text.lower():
        if ch in ".,!?":
            out.append(f" {ch} ")
        elif "a" <= ch <= "z" or "0" <= ch <= "9" or ch.isspace():
            out.append(ch)
    s = "".join(out)
    while "  " in s:
        s = s.replace("  ", " ")
    return s.strip(" ")
