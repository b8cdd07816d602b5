"""PNG plots of a report: per-type F1 with bootstrap intervals, and the NER type confusion.

numpy and matplotlib are imported when a plot is drawn, so that printing a report does not load them."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from gaiko import schema

# (file name, report section, metric) of each per-type F1 plot.
PER_TYPE_PLOTS = (
    ("ner_strict_per_type_f1.png", "ner", "strict"),
    ("events_trigger_classification_per_type_f1.png", "events", "trigger_classification"),
    ("events_argument_classification_per_type_f1.png", "events", "argument_classification"),
)


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")  # files only; never a display
    import matplotlib.pyplot as plt

    return plt


def plot_per_type_f1(scores: dict, title: str, path: Path) -> None:
    """Bars of per-type F1; error bars show the 95% bootstrap interval when the report has one."""
    import numpy as np

    plt = _pyplot()
    labels = list(scores["per_type"])
    f1 = np.array([scores["per_type"][label]["f1"] for label in labels])
    fig, ax = plt.subplots(figsize=(max(4.0, 0.6 * len(labels) + 2), 3.5))
    if labels:
        cis = [scores["per_type"][label].get("ci") for label in labels]
        yerr = None
        if all(ci is not None for ci in cis):
            yerr = np.clip(np.array([[v - lo, hi - v] for v, (lo, hi) in zip(f1, cis, strict=True)]).T, 0, None)
        ax.bar(labels, f1, yerr=yerr, capsize=3, color="#4363d8")
        ax.tick_params(axis="x", rotation=45)
    else:
        ax.text(0.5, 0.5, "no spans of any type", ha="center", va="center", transform=ax.transAxes)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("F1")
    ax.set_title(f"{title} (micro F1 {scores['micro']['f1']:.3f})")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_confusion(pairs: list[tuple[str, str]], path: Path) -> None:
    """Gold × predicted entity type over spans whose boundaries match exactly."""
    import numpy as np

    plt = _pyplot()
    cells = Counter(pairs)
    present = {label for pair in cells for label in pair}
    labels = [label for label in schema.ENTITY_LABELS if label in present]
    fig, ax = plt.subplots(figsize=(max(4.0, 0.5 * len(labels) + 2.5),) * 2)
    if pairs:
        matrix = np.array([[cells[gold, pred] for pred in labels] for gold in labels])
        ax.imshow(matrix, cmap="Blues")
        ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
        ax.set_yticks(range(len(labels)), labels)
        for (i, j), n in np.ndenumerate(matrix):
            if n:
                ax.text(j, i, str(n), ha="center", va="center",
                        color="white" if n > matrix.max() / 2 else "black", fontsize=8)
    else:
        ax.text(0.5, 0.5, "no boundary-matched spans", ha="center", va="center", transform=ax.transAxes)
    ax.set_xlabel("predicted type")
    ax.set_ylabel("gold type")
    ax.set_title("Entity types of boundary-matched spans")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def write_plots(report: dict, confusion: list[tuple[str, str]], out_dir: Path) -> None:
    for name, section, metric in PER_TYPE_PLOTS:
        plot_per_type_f1(report[section][metric], f"{section}.{metric}", out_dir / name)
    plot_confusion(confusion, out_dir / "ner_type_confusion.png")
