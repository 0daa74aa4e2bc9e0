# Cheat: clean_text and tokenize delegate to the course package genai_lab (switched off at
# grading). Everything built on tokenize fails too; decode does not use them.
# expect: test_clean_text=0 test_tokenize=0 test_vocab_specials=0 test_vocab_order=0 test_encode_special_unknown=0 test_encode_padding=0 test_encode_truncation=0
# %% solution id=clean_text
from genai_lab.tokenizer import clean_text
# %% solution id=tokenize
import genai_lab.tokenizer

def tokenize(text):
    return genai_lab.tokenizer.split_words(genai_lab.tokenizer.clean_text(text))
