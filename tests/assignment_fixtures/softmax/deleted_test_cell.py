# Tampering: the student deleted the temperature test cell (correct code otherwise).
# A deleted test cell earns nothing.
# expect: test_softmax_temperature=0
# %% delete id=test_softmax_temperature
