"""Checkable exercises, one module per notebook (``nNN.py``).

Loaded on first use by :func:`gpec_teach.exercises.check`. Expected answers are computed
from the data, never typed in.
"""
