"""genai-lab: what generative AI actually is, in small numpy modules.

One module per stage of the course's pipeline, in layers that import downward only (the
layer table is in docs/ARCHITECTURE.md):

1. data collection      ``genai_lab.corpus`` (the course grammar), ``genai_lab.data``
2. preprocessing        ``genai_lab.tokenizer`` (words), ``genai_lab.wordpiece`` (BERT)
3. feature engineering  ``genai_lab.embedding``
4. model training       ``genai_lab.layers``, ``genai_lab.model``, ``genai_lab.optim``,
                        ``genai_lab.train`` (the loop), ``genai_lab.record`` (its record),
                        ``genai_lab.pretrained`` (the course's trained model)
5. generation           ``genai_lab.softmax``, ``genai_lab.sampling``, ``genai_lab.generate``

under them the leaves every stage may use (``genai_lab.checks``, ``genai_lab.text``,
``genai_lab.display``), and above them the traces that show the work:
``genai_lab.pipeline`` (the pipeline) and ``genai_lab.predict`` (one prediction through
five layers). Import the module you need; this package imports nothing on its own.
"""
__version__ = "0.1.0"
