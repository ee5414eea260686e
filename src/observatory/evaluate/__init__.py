"""Evaluation: the metrics of the development sets' gold records (records) and of whole articles with
every event coded (articles).

May import: every stage up to and including store, and the pipeline.
"""
