"""Validation: the schemas of the files economists edit, the rules across columns and
files, and the code that runs them lazily so that one run lists every failure.
"""
