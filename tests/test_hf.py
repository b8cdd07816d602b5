"""`gaiko.hf`: Trainer metrics against seqeval, the decoder, and `ner` rows + tags → a scored predictions file."""

from __future__ import annotations

import json
import random
import subprocess
import sys

import datasets
import numpy as np
import pytest
from seqeval.metrics import f1_score, precision_score, recall_score
from seqeval.scheme import IOB2

from gaiko import hf, schema
from gaiko.bio import bio_to_spans
from gaiko.dataset import load_split
from gaiko.paths import DATASET_DIR


class EvalPrediction:
    """The shape of `transformers.EvalPrediction`: attributes, and unpacking as (predictions, label_ids)."""

    def __init__(self, predictions, label_ids):
        self.predictions, self.label_ids = predictions, label_ids

    def __iter__(self):
        return iter((self.predictions, self.label_ids))


def noisy_batch(seed: int, rows: int = 40, length: int = 30):
    """Gold tags from real-looking spans and model-like predictions: mostly right, with ill-formed I- tags,
    wrong types, shifted ends, and -100 on padding and on ignored positions inside the sequence."""
    rng = random.Random(seed)
    labels = np.full((rows, length), hf.IGNORE_INDEX)
    preds = np.zeros((rows, length), dtype=np.int64)
    for r in range(rows):
        n = rng.randint(1, length)
        tags, i = ["O"] * n, 0
        while i < n:
            if rng.random() < 0.3:
                size, label = rng.randint(1, 4), rng.choice(schema.ENTITY_LABELS)
                for k in range(i, min(n, i + size)):
                    tags[k] = ("B-" if k == i else "I-") + label
                i += size
            else:
                i += 1
        gold = [hf.LABEL2ID[t] for t in tags]
        pred = list(gold)
        for k in range(n):
            roll = rng.random()
            if roll < 0.08:
                pred[k] = rng.randrange(len(hf.LABEL_NAMES))  # any tag, often an ill-formed I-
            elif roll < 0.12 and tags[k].startswith("B-"):
                pred[k] = hf.LABEL2ID["I-" + tags[k][2:]]  # a chunk opened with I-
        labels[r, :n], preds[r, :n] = gold, pred
        for k in rng.sample(range(n), k=n // 5):  # ignored positions (special tokens, later subwords)
            labels[r, k] = hf.IGNORE_INDEX
    return preds, labels


def seqeval_sequences(preds, labels):
    keep = labels != hf.IGNORE_INDEX
    gold = [[hf.LABEL_NAMES[x] for x in row[m]] for row, m in zip(labels, keep)]
    pred = [[hf.LABEL_NAMES[x] for x in row[m]] for row, m in zip(preds, keep)]
    return gold, pred


@pytest.mark.parametrize("seed", range(5))
def test_compute_metrics_equals_seqeval_strict_iob2_and_reports_lenient_decoding(seed):
    preds, labels = noisy_batch(seed)
    gold, pred = seqeval_sequences(preds, labels)
    metrics = hf.compute_metrics((preds, labels))
    assert metrics["precision"] == pytest.approx(precision_score(gold, pred, mode="strict", scheme=IOB2))
    assert metrics["recall"] == pytest.approx(recall_score(gold, pred, mode="strict", scheme=IOB2))
    assert metrics["f1"] == pytest.approx(f1_score(gold, pred, mode="strict", scheme=IOB2))
    assert metrics["macro_f1"] == pytest.approx(f1_score(gold, pred, mode="strict", scheme=IOB2, average="macro"))
    assert metrics["lenient_f1"] == pytest.approx(f1_score(gold, pred))  # seqeval's default (conlleval) mode
    assert metrics["lenient_f1"] != metrics["f1"]  # the noise makes the two decodings differ
    assert metrics["partial_f1"] >= metrics["exact_f1"] >= metrics["f1"]
    assert all(isinstance(v, float) for v in metrics.values())


def test_a_trainer_shaped_call_with_padded_logits_and_extra_outputs():
    """What `Trainer.evaluate` passes: an EvalPrediction whose predictions are logits, padded across
    batches with -100 (as `nested_concat` pads), possibly a tuple (logits, hidden states)."""
    preds, labels = noisy_batch(7, rows=12)
    logits = np.random.default_rng(0).normal(size=(*preds.shape, len(hf.LABEL_NAMES))).astype(np.float32)
    np.put_along_axis(logits, preds[..., None], 10.0, axis=-1)  # argmax = the predicted ids
    padded_logits = np.concatenate([logits, np.full((12, 5, len(hf.LABEL_NAMES)), -100, np.float32)], axis=1)
    padded_labels = np.concatenate([labels, np.full((12, 5), hf.IGNORE_INDEX)], axis=1)
    expected = hf.compute_metrics((preds, labels))
    assert hf.compute_metrics(EvalPrediction(padded_logits, padded_labels)) == expected
    hidden = np.zeros((12, 35, 4), np.float32)
    assert hf.compute_metrics(EvalPrediction((padded_logits, hidden), padded_labels)) == expected
    gold, pred = seqeval_sequences(preds, labels)
    assert expected["f1"] == pytest.approx(f1_score(gold, pred, mode="strict", scheme=IOB2))


def test_compute_metrics_refuses_a_model_with_another_label_set_or_misshaped_input():
    labels = np.zeros((2, 3), dtype=np.int64)
    with pytest.raises(ValueError, match="logits have 9 classes, the schema has 25"):
        hf.compute_metrics((np.zeros((2, 3, 9)), labels))
    with pytest.raises(ValueError, match="do not match label ids"):
        hf.compute_metrics((np.zeros((2, 4), dtype=np.int64), labels))
    with pytest.raises(ValueError, match="unknown tag 25"):
        hf.compute_metrics((np.full((2, 3), 25), labels))


def test_decode_is_strict_by_default_and_lenient_on_request():
    tags = ["I-GPE", "I-GPE", "O", "B-ORG", "I-GPE", "B-PERSON", "I-PERSON"]
    assert hf.decode(tags) == [(3, 4, "ORG"), (5, 7, "PERSON")]
    assert hf.decode(tags, lenient=True) == [(0, 2, "GPE"), (3, 4, "ORG"), (4, 5, "GPE"), (5, 7, "PERSON")]
    assert hf.decode([hf.LABEL2ID[t] for t in tags]) == hf.decode(tags)
    with pytest.raises(ValueError, match="unknown tag 'B-PER'"):
        hf.decode(["B-PER"])


@pytest.fixture(scope="module")
def ner():
    return datasets.load_dataset(str(DATASET_DIR), "ner")


def test_bio_to_spans_reads_token_offsets_as_datasets_loads_them_and_refuses_other_shapes(ner):
    row = next(r for r in ner["test"] if any(r["ner_tags"]))
    names = ner["test"].features["ner_tags"].feature.names
    tags = [names[i] for i in row["ner_tags"]]
    assert isinstance(row["token_offsets"][0], dict)
    pairs = [(o["start"], o["end"]) for o in row["token_offsets"]]
    spans = bio_to_spans(tags, row["token_offsets"])
    assert spans == bio_to_spans(tags, pairs) and spans
    assert all(isinstance(s, int) and isinstance(e, int) for s, e, _ in spans)
    with pytest.raises(TypeError, match="token 0 is 'start'"):
        bio_to_spans(tags[:2], ["start", "end"])
    with pytest.raises(TypeError, match=r"token 0 is \{'begin': 0\}"):
        bio_to_spans(["O"], [{"begin": 0}])
    with pytest.raises(ValueError, match="2 token offsets for 3 tags"):
        bio_to_spans(["O", "O", "O"], [(0, 1), (1, 2)])


def test_gold_tags_of_the_real_dataset_become_the_gold_and_score_perfectly(ner, tmp_path):
    """load_dataset → tags per row → tags_to_predictions → predictions file → `gaiko score`."""
    test = ner["test"]
    predictions = hf.tags_to_predictions(test, test["ner_tags"])
    gold = load_split("test")
    assert [p["id"] for p in predictions] == [d["id"] for d in gold]
    for p, d in zip(predictions, gold):
        assert [(m["start"], m["end"], m["label"]) for m in p["entities"]] == \
            [(m["start"], m["end"], m["label"]) for m in d["entities"]]
    path = tmp_path / "pred.jsonl"
    hf.write_predictions(str(path), predictions)
    run = subprocess.run([sys.executable, "-m", "gaiko", "score", "--pred", str(path), "--split", "test", "--json"],
                         capture_output=True, text=True, check=True)
    report = json.loads(run.stdout)
    assert report["ner"]["strict"]["micro"]["f1"] == 1.0
    assert report["ner"]["strict"]["micro"]["tp"] == sum(len(d["entities"]) for d in gold)


def test_tags_to_predictions_keeps_documents_without_entities_and_refuses_misaligned_tags(ner):
    rows = list(ner["validation"])
    empty = [["O"] * len(r["tokens"]) for r in rows]
    assert hf.tags_to_predictions(rows, empty) == [{"id": rows[0]["document_id"], "entities": [], "events": []}]
    with pytest.raises(ValueError, match="rows and predicted_tags differ in length"):
        hf.tags_to_predictions(rows, empty[:-1])
    with pytest.raises(ValueError, match=f"row {rows[1]['id']}: {len(rows[1]['tokens']) - 1} predicted tags"):
        hf.tags_to_predictions(rows, [empty[0], empty[1][:-1], *empty[2:]])


def test_the_kit_imports_without_torch_or_transformers():
    code = "import sys, gaiko.hf; sys.exit(bool({'torch', 'transformers'} & set(sys.modules)))"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_subword_labels_align_to_first_subwords_and_predictions_come_back_per_token():
    tags = ["B-PERSON", "I-PERSON", "O", "B-GPE"]
    word_ids = [None, 0, 0, 1, 2, 3, 3, None]  # [CLS] プ ## ー チ ... [SEP]-like encoding
    labels = hf.align_labels(word_ids, tags)
    assert labels == [-100, 1, -100, 2, 0, 5, -100, -100]
    predicted = [0, 1, 2, 2, 0, 5, 6, 0]
    assert hf.word_tags(word_ids, predicted, 4) == tags
    with pytest.raises(ValueError, match="1 of 5 tokens have no subword"):
        hf.word_tags(word_ids, predicted, 5)
    assert hf.word_tags(word_ids, predicted, 5, fill="O") == [*tags, "O"]
    metrics = hf.compute_metrics((np.array([predicted]), np.array([labels])))
    assert metrics["f1"] == 1.0
