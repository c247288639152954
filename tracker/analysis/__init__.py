"""Analysis: the series layer, growth gaps, the consistency audit and what-if tools."""
