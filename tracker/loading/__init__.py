"""Loading: dataset files into validated, typed frames."""
