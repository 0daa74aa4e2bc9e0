# Wrong: keeps every character for which str.isalnum() is true (accented letters, superscript digits).
# loses: test_clean_text
# %% solution id=clean_text
def clean_text(text):
    out = []
    for ch in text.lower():
        if ch in ".,!?":
            out.append(f" {ch} ")
        elif ch.isalnum() or ch.isspace():
            out.append(ch)
    return " ".join("".join(out).split())
