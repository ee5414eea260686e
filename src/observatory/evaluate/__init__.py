"""Evaluation: gold data and predictions read (gold), the metrics of the development sets' records
(records) and of whole articles with every event coded (articles), and the report (report).

May import: every stage up to and including store, and the pipeline.
"""
