# Wrong: splits on " ", so an empty text gives [""].
# loses: test_tokenize
# %% solution id=tokenize
def tokenize(text):
    return clean_text(text).split(" ")
