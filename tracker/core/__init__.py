"""The vocabulary of the domain, with no I/O: words, units, periods, figures, growth,
statuses, chains and the failures validation reports.

Every rule of the domain that more than one stage needs lives in one module here.
"""
