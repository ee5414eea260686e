"""Tests of the evaluation metrics on small hand-written gold/prediction files with hand-computed values."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pytest
from rich.console import Console

from observatory.evaluate import records
from observatory.evaluate.gold import EvalInputError, read_gold
from observatory.evaluate.records import binary_f1, evaluate_file, primary_event, sentence_spans, weighted_f1
from observatory.evaluate.report import render_report
from observatory.models import DocumentResult, Event, Evidence, Location

FIXTURES = Path(__file__).parent / "fixtures" / "eval"


def run(name: str) -> records.EvalReport:
    return evaluate_file(FIXTURES / f"{name}_gold.jsonl", FIXTURES / f"{name}_pred.jsonl", progress=False)


def make_event(status: str = "occurred", confidence: float = 0.5, **fields) -> Event:
    return Event(plover_type="ASSAULT", status=status, confidence=confidence,
                 evidence=Evidence(text="", start=0, end=1), **fields)


def test_primary_event_ignores_non_occurred_and_keeps_first_on_ties():
    events = [
        make_event(status="planned", confidence=0.9, acled_sub_event_type="Attack"),
        make_event(confidence=0.6, acled_sub_event_type="Armed clash"),
        make_event(confidence=0.6, acled_sub_event_type="Grenade"),
        make_event(confidence=0.95),
    ]
    chosen = primary_event(events, lambda e: e.acled_sub_event_type is not None)
    assert chosen is events[1]
    assert primary_event(events, lambda e: True) is events[3]
    assert primary_event(events[:1], lambda e: True) is None


def test_acled_metrics_hand_computed():
    report = run("acled")
    assert report.dataset == "acled2020"
    assert report.missing_predictions == 1
    assert report.metrics["acled_type_top1"] == pytest.approx(3 / 4)
    assert report.metrics["acled_sub_top1"] == pytest.approx(2 / 4)
    assert report.metrics["inter1_top1"] == pytest.approx(2 / 4)
    # record 3 has gold precision 3, so only three records are scored for distance
    assert (report.metrics["loc_acc@25km"], report.counts["loc_acc@25km"]) == (pytest.approx(1 / 3), 3)
    assert report.metrics["admin1_acc"] == pytest.approx(2 / 4)
    # record 2: the two top events tie on confidence; the first (dated a day early) is primary
    assert report.metrics["date_exact"] == pytest.approx(2 / 4)
    # record 1 counts the same four deaths in two occurred events
    assert report.metrics["fatalities_exact"] == pytest.approx(3 / 4)
    assert report.metrics["fatalities_exact_when_killed"] == pytest.approx(1 / 2)
    assert report.counts["fatalities_exact_when_killed"] == 2
    assert "plover_top1" not in report.metrics


def test_acled_error_classes_and_confusion():
    report = run("acled")
    fatal = report.errors["fatalities_exact"]
    assert [(e.gold, e.pred, e.count, e.examples) for e in fatal] == [
        ("2-5", "x2 (counted twice?)", 1, ["acled2020:1"])]
    assert report.top_confusions() == [
        ("Arrests", "none", 1), ("Shelling/artillery/missile attack", "Air/drone strike", 1)]
    assert report.confusion[("Armed clash", "Armed clash")] == 1
    loc_errors = {(e.gold, e.pred) for e in report.errors["loc_acc@25km"]}
    assert loc_errors == {
        ("NGA precision 2", "100+ km off, same country"), ("BLR precision 1", "no located event")}


def test_pitf_without_precision_scores_records_with_coordinates():
    report = run("pitf")
    assert report.counts["loc_acc@25km"] == 2
    assert report.metrics["loc_acc@25km"] == pytest.approx(1 / 2)
    # the second record has no gold admin1; the first is spelled "Nineveh Governate" in the gold
    assert report.counts["admin1_acc"] == 1
    assert report.metrics["admin1_acc"] == 1.0
    assert report.metrics["date_exact"] == pytest.approx(1 / 2)
    # a quantity without a best value counts as zero
    assert report.metrics["fatalities_exact"] == 1.0
    assert report.metrics["injured_exact_when_injured"] == 1.0
    assert report.counts["injured_exact_when_injured"] == 1


def test_fakes_admin1_spelling_variants():
    report = run("fakes")
    assert report.metrics == {"admin1_acc": pytest.approx(2 / 3)}
    assert [(e.gold, e.pred) for e in report.errors["admin1_acc"]] == [("damascus", "Rif Dimashq")]


def test_case_weighted_f1_by_hand():
    report = run("case")
    # _25: gold [clash, clash, protest], pred [clash, protest, protest]:
    # clash P=1 R=1/2 F1=2/3; protest P=1/2 R=1 F1=2/3; weighted (2*2/3 + 1*2/3) / 3 = 2/3
    assert report.metrics["case_weighted_f1_25"] == pytest.approx(2 / 3)
    assert report.counts["case_weighted_f1_25"] == 3
    # _all adds the flood (right answer: none; the failed Attack is ignored, the occurred clash is wrong):
    # clash P=1/2 R=1/2 F1=1/2; protest F1=2/3; none F1=0; weighted (2*1/2 + 2/3 + 0) / 4 = 5/12
    assert (report.metrics["case_weighted_f1_all"], report.counts["case_weighted_f1_all"]) == (
        pytest.approx(5 / 12), 4)
    assert report.top_confusions() == [("Armed clash", "Peaceful protest", 1), ("none", "Armed clash", 1)]
    error_pairs = {(e.gold, e.pred) for e in report.errors["case_weighted_f1_all"]}
    assert ("NATURAL_DISASTER", "Armed clash") in error_pairs


def test_weighted_f1_none_predictions_count_as_wrong():
    pairs = [("Grenade", "none"), ("Grenade", "Grenade"), ("Attack", "Attack"), ("none", "none")]
    # Grenade P=1 R=1/2 F1=2/3; Attack F1=1; none P=1/2 R=1 F1=2/3 -> (2*2/3 + 1 + 2/3) / 4
    assert weighted_f1(pairs) == pytest.approx(3 / 4)
    assert weighted_f1([]) == 0.0


def test_plover_top1_skips_negated_events():
    report = run("plover")
    assert report.metrics == {"plover_top1": 0.5}
    assert report.confusion_kind == "PLOVER type"
    assert report.top_confusions() == [("ACCUSE", "ASSAULT", 1)]


def test_india_sentence_level_f1():
    report = run("india")
    assert report.counts == {"india_KILL_f1": 5, "india_ARREST_f1": 5, "india_KILL_any_f1": 5}
    # KILL: one hit (police fired), one missed sentence, the historical killing is ignored -> 2*1/(1+2)
    assert report.metrics["india_KILL_f1"] == pytest.approx(2 / 3)
    assert report.metrics["india_KILL_any_f1"] == pytest.approx(2 / 3)
    # ARREST: two hits and one false alarm on the curfew sentence -> 2*2/(3+2)
    assert report.metrics["india_ARREST_f1"] == pytest.approx(4 / 5)
    errors = [(e.gold, e.pred, e.examples) for e in report.errors["india_ARREST_f1"]]
    assert errors == [("no", "ARREST", ["india:1"])]


def test_sentence_spans_in_order_and_missing():
    text = "a b. a b. c."
    assert sentence_spans(text, ["a b.", "a b.", "zzz", "c."]) == [(0, 4), (5, 9), None, (10, 12)]
    assert binary_f1([(True, True), (False, True), (True, False)]) == pytest.approx(1 / 2)


def test_acled_csv_is_read_and_scored():
    records = read_gold(FIXTURES / "acled_export.csv")
    assert [r.id for r in records] == ["acled:UKR100", "acled:KEN200", "acled:IND300"]
    assert [r.published.isoformat() for r in records] == ["2021-06-12", "2021-06-13", "2021-06-14"]
    assert not any("fatalities." in r.text or "[size" in r.text for r in records)
    assert records[0].gold_event["location"]["precision"] == 1
    pred = FIXTURES / "acled_export_pred.jsonl"
    report = evaluate_file(FIXTURES / "acled_export.csv", pred, progress=False)
    assert report.dataset == "acled_csv"
    assert report.metrics["acled_sub_top1"] == pytest.approx(2 / 3)
    assert report.metrics["fatalities_exact"] == pytest.approx(2 / 3)
    assert report.metrics["date_exact"] == pytest.approx(2 / 3)
    assert (report.metrics["loc_acc@25km"], report.counts["loc_acc@25km"]) == (pytest.approx(1 / 3), 3)


def test_limit_and_json_output():
    pred = FIXTURES / "acled_pred.jsonl"
    report = evaluate_file(FIXTURES / "acled_gold.jsonl", pred, limit=1, progress=False)
    assert report.documents == 1
    data = json.loads(json.dumps(report.to_dict()))
    assert data["metrics"]["fatalities_exact"] == 0.0
    assert data["counts"]["acled_sub_top1"] == 1
    assert data["errors"]["fatalities_exact"][0]["examples"] == ["acled2020:1"]


def test_render_report_prints_tables():
    console = Console(record=True, width=160)
    render_report(run("case"), console)
    text = console.export_text()
    assert "case_weighted_f1_all" in text and "41.7" in text
    assert "NATURAL_DISASTER" in text and "Worst error classes" in text


def test_extraction_runs_when_no_predictions_given(monkeypatch):
    class FakeExtractor:
        def extract(self, doc):
            return DocumentResult(id=doc.id, events=[make_event(acled_sub_event_type="Armed clash")])

    monkeypatch.setitem(sys.modules, "observatory.pipeline", types.SimpleNamespace(Extractor=FakeExtractor))
    report = evaluate_file(FIXTURES / "case_gold.jsonl", progress=False)
    # clash, clash, clash for [clash, clash, protest]: clash P=2/3 R=1 F1=4/5 -> 2*4/5 / 3
    assert report.metrics["case_weighted_f1_25"] == pytest.approx(8 / 15)


@pytest.mark.parametrize(("content", "message"), [
    ('{"id": "a", "text": "x", "gold": {}}\n{"id": "b", "text": \n', "invalid JSON on line 2"),
    ('{"id": "a", "gold": {}}\n', "line 1 lacks text"),
    ("", "no gold records"),
])
def test_bad_gold_jsonl_gives_clear_error(tmp_path, content, message):
    path = tmp_path / "gold.jsonl"
    path.write_text(content)
    with pytest.raises(EvalInputError, match=message):
        evaluate_file(path, FIXTURES / "case_pred.jsonl", progress=False)


def test_csv_missing_columns_and_bad_date(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("notes,event_type\nSomething happened.,Riots\n")
    with pytest.raises(EvalInputError, match="missing column.*sub_event_type.*fatalities"):
        read_gold(path)
    path.write_text("notes,event_type,sub_event_type,actor1,inter1,latitude,longitude,event_date,fatalities\n"
                    "Text.,Riots,Mob violence,Rioters,5,1.0,2.0,sometime soon,0\n")
    with pytest.raises(EvalInputError, match="row 2: unreadable event_date"):
        read_gold(path)


def test_missing_and_malformed_prediction_files(tmp_path):
    with pytest.raises(EvalInputError, match="no such file"):
        evaluate_file(tmp_path / "absent.jsonl", progress=False)
    bad = tmp_path / "pred.jsonl"
    bad.write_text('{"id": "case2021:1", "events": [{"plover_type": "ASSAULT"}]}\n')
    with pytest.raises(EvalInputError, match="line 1 is not an extraction result"):
        evaluate_file(FIXTURES / "case_gold.jsonl", bad, progress=False)


def test_india_kill_needs_a_police_actor(tmp_path):
    gold = (FIXTURES / "india_gold.jsonl").read_text(encoding="utf-8")
    pred = (FIXTURES / "india_pred.jsonl").read_text(encoding="utf-8").replace('"police"', '"a mob"')
    pred = pred.replace('"Police Forces of India"', '"Rioters (India)"').replace('"POL"', '"CVL"')
    (tmp_path / "india_gold.jsonl").write_text(gold, encoding="utf-8")
    (tmp_path / "pred.jsonl").write_text(pred, encoding="utf-8")
    report = evaluate_file(tmp_path / "india_gold.jsonl", tmp_path / "pred.jsonl", progress=False)
    assert report.metrics["india_KILL_f1"] == 0.0  # a killing by a mob is no police killing
    assert report.metrics["india_KILL_any_f1"] == pytest.approx(2 / 3)


def test_whole_article_event_metrics_hand_computed():
    report = run("articles")
    m = report.metrics
    # ACLED scope: 5 predicted occurred ACLED events (the planned one is not counted): the headline hits E1,
    # the lede is its duplicate, the aggregate and the hard negative's background are false, Dori hits E2.
    assert (m["acled_event_precision"], report.counts["acled_event_precision"]) == (pytest.approx(2 / 5), 5)
    assert m["acled_event_recall"] == 1.0
    assert m["acled_duplicate_share"] == pytest.approx(1 / 5)
    assert m["acled_false_share"] == pytest.approx(2 / 5)
    assert m["acled_matched_date_acc"] == pytest.approx(1 / 2)  # Dori is dated a day late
    assert m["acled_matched_fatalities_acc"] == 1.0
    assert (m["acled_matched_inter1_acc"], report.counts["acled_matched_inter1_acc"]) == (1.0, 1)
    assert m["acled_all_fields_right"] == pytest.approx(1 / 2)
    # 307 predicted deaths for a gold toll of 4; the negatives predict 0 deaths (within 1 of 0)
    assert m["acled_toll_within_20pct"] == pytest.approx(2 / 3)
    assert (m["acled_negative_articles_clean"], report.counts["acled_negative_articles_clean"]) == (0.5, 2)
    # all scope: the first condemnation reaches only the optional verbal event (not counted), the second
    # is its duplicate
    assert (m["all_event_precision"], report.counts["all_event_precision"]) == (pytest.approx(2 / 6), 6)
    assert m["all_duplicate_share"] == pytest.approx(2 / 6)
    assert "acled_toll_within_20pct" in m and "all_toll_within_20pct" not in m


def test_whole_article_errors_list_false_and_duplicate_events_with_their_sentences():
    report = run("articles")
    errors = [(e["id"], e["outcome"], e["duplicate_of"], e["sentence"]) for e in report.event_errors]
    assert errors == [
        ("art:1", "duplicate", "art:1-E1", "A roadside bomb killed three soldiers near Kaya on Monday, the army said."),
        ("art:1", "false", None, "The army has lost 300 soldiers since 2019."),
        ("art:2", "false", None, "Ten years ago, rebels stormed the town."),
    ]
    assert report.to_dict()["event_errors"][1]["fatalities"] == 300


def test_evidence_overlap_is_half_of_the_shorter_span():
    from observatory.evaluate.articles import overlaps, quote_spans

    assert overlaps((0, 10), (5, 30))  # 5 of the shorter 10
    assert not overlaps((0, 10), (6, 30))
    assert not overlaps((0, 0), (0, 5))
    assert quote_spans("a b a", ["a", "zz"]) == [(0, 1), (4, 5)]


def test_location_metrics_score_the_primary_event_with_a_point() -> None:
    """An event known only at country level has no point: loc_acc@25km and admin1_acc score the most
    confident event that has one, and a document whose only place is a country has no located event."""
    gold = {"events": [{"location": {"name": "Lviv", "lat": 49.84, "lon": 24.03, "admin1": "Lviv",
                                     "country": "UKR", "precision": 1}}]}
    record = records.GoldRecord(id="r", dataset="acled2020", text="", title=None, published=None, gold=gold)
    ukraine = make_event(confidence=0.9, location=Location(text="Ukraine", name="Ukraine", country="UKR",
                                                           precision=3))
    lviv = make_event(confidence=0.5, location=Location(text="Lviv", name="Lviv", lat=49.84, lon=24.02,
                                                        country="UKR", admin1="Lviv"))
    scored = {o.metric: o for o in records.score_record(record, [ukraine, lviv])}
    assert scored["loc_acc@25km"].correct and scored["admin1_acc"].correct
    alone = {o.metric: o for o in records.score_record(record, [ukraine])}
    assert (alone["loc_acc@25km"].correct, alone["loc_acc@25km"].pred) == (False, "no located event")
    assert (alone["admin1_acc"].correct, alone["admin1_acc"].pred) == (False, "no located event")
