"""The display leaf: how the course shows its work, importing no pipeline module.

``table`` (Table, format_value, to_jsonable), ``figures`` (the palette and figures with alt
text), ``quiz`` (check-yourself quizzes; their script and style are the package data in
``assets/``) and ``widgets`` (live controls for "change it and re-run" cells).
"""
