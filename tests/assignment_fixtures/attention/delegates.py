# Cheat: the mask, the weights and multi-head attention delegate to the course package
# genai_lab (switched off at grading); self_attention is written by the student but calls
# attention_weights, so it fails too. split/merge are the student's own: full points.
# expect: test_causal_mask=0 test_weights_known=0 test_weights_scale=0 test_weights_stable=0 test_weights_batch=0 test_self_attention=0 test_self_attention_causal=0 test_multi_head=0 test_multi_head_batch_causal=0
# %% solution id=causal_mask
import genai_lab.layers  # every import in the first answer cell: the grading guard blocks
from genai_lab.softmax import softmax as _course_softmax  # imports after the first test

def causal_mask(T):
    return ~genai_lab.layers.causal_mask(T)
# %% solution id=attention_weights
def attention_weights(q, k):
    q = np.asarray(q, dtype=np.float64)
    k = np.asarray(k, dtype=np.float64)
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    return _course_softmax(np.where(causal_mask(q.shape[-2]), scores, -1e9))
# %% solution id=multi_head_attention
def multi_head_attention(x, w_q, w_k, w_v, w_o, n_head):
    x = np.asarray(x, dtype=np.float64)
    if x.shape[-1] % n_head:
        raise ValueError("C must be a multiple of n_head")
    C = x.shape[-1]
    batch = x.reshape((-1,) + x.shape[-2:])
    w_qkv = np.concatenate([w_q, w_k, w_v], axis=1)
    out, _ = genai_lab.layers.attention_forward(batch, w_qkv, np.zeros(3 * C), np.asarray(w_o, dtype=np.float64), np.zeros(C), n_head)
    return out.reshape(x.shape)
