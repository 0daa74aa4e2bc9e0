# Cheat: embed and cosine_similarity delegate to the course package genai_lab (switched
# off at grading); nearest_neighbours (reference) calls cosine_similarity, so it fails too.
# expect: test_embed_lookup=0 test_embed_out_of_range=0 test_cosine=0 test_cosine_zero=0 test_neighbours=0
# %% solution id=embed
from genai_lab import embedding

def embed(ids, table):
    return embedding.embedding_forward(ids, table)[0]
# %% solution id=cosine_similarity
def cosine_similarity(a, b):
    import genai_lab.embedding
    return float(genai_lab.embedding.cosine_similarity(a, b))
