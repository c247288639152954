"""Output: charts, the monthly report and its templates."""
