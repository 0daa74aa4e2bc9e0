# Wrong: splits the raw text without cleaning it.
# loses: test_tokenize
# %% solution id=tokenize
def tokenize(text):
    return text.split()
