"""``tracker whatif``'s answer as lines of text (its JSON is the answer itself)."""

from __future__ import annotations

from tracker.core.statuses import NOT_JUDGED
from tracker.output.render import POSSIBLE_SLIP, versus_target, year_text

__all__ = ["whatif_lines"]

#: How far in front of each line after the first.
_INDENT = "  "


def _usd_mn(value_mn: float) -> str:
    return f"{value_mn:,.1f} USD mn"


#: How the text names the audit check behind a possible slip.
_JUMP = "(audit `jump`)"


def _year(answer: dict, year) -> str:
    """A year of the answer's series, labelled as the report labels it (``FY2022-23``)."""
    return year_text(year, answer["year_start_month"])


def _head(answer: dict) -> str:
    if answer["status"] == NOT_JUDGED:
        head = (
            f"{answer['target_id']}: a potential of {answer['target_usd_mn']:,.0f} USD mn, "
            "tracked, not judged"
        )
    else:
        assumed = " (assumed)" if answer["is_deadline_assumed"] else ""
        value = answer["target_usd_mn"]
        head = (
            f"{answer['target_id']}: "
            f"{'no value yet' if value is None else f'{value:,.0f} USD mn'} by "
            f"{_year(answer, answer['deadline_year'])}{assumed}, status {answer['status']} "
            f"({answer['mirror_status']} on the other side's statistics)"
        )
    if answer["asked_for"] == answer["target_id"]:
        return head
    return f"{head} (newest statement of {answer['asked_for']})"


def _chance(answer: dict) -> list[str]:
    chance = answer["probability"]
    if chance["value"] is None:
        lines = [f"probability unavailable: {chance['reason']}"]
    else:
        lines = [
            f"probability of meeting it: {chance['value']:.1%} ({chance['simulations']:,} "
            f"resampled paths, seed {chance['seed']})"
        ]
    if left_out := chance["rates_left_out_pct"]:
        rates = ", ".join(
            f"{_year(answer, year)} ({rate:+.1f}%)" for year, rate in left_out.items()
        )
        lines.append(f"not resampled, next to a {POSSIBLE_SLIP} {_JUMP}: {rates}")
    return lines


def whatif_lines(answer: dict) -> list[str]:
    """The lines ``tracker whatif`` prints for an answer of
    :func:`tracker.analysis.questions.answer`.

    Examples
    --------
    >>> from tracker.analysis.questions import answer
    >>> from tracker.loading.datasets import load_datasets
    >>> lines = whatif_lines(answer(load_datasets("datasets"), "kaz-tjk-2bn-2027",
    ...     "2026-11-30", growth_pct=[20.0]))
    >>> print(lines[-1])
      at +20.0% a year: 2,073.6 USD mn in 2027, met, above the target by 73.6 USD mn
    """
    lines = [_head(answer)]
    if "reason" in answer:
        return [*lines, _INDENT + answer["reason"]]
    slip = f", a {POSSIBLE_SLIP} {_JUMP}" if answer["is_baseline_possible_slip"] else ""
    body = [
        f"baseline {_usd_mn(answer['baseline_usd_mn'])} in "
        f"{_year(answer, answer['baseline_year'])}"
        f" ({answer['judged_by']}'s statistics, {answer['baseline_kind']}{slip})"
    ]
    if answer["growth_hist_pct"] is not None:
        growth = f"historical growth {answer['growth_hist_pct']:+.2f}% a year"
        if answer["is_history_start_possible_slip"]:
            start = _year(answer, answer["history_start_year"])
            growth += f" (from {start}, a {POSSIBLE_SLIP} {_JUMP})"
        body.append(growth)
    if answer["growth_needed_pct"] is not None:
        body.append(f"growth needed     {answer['growth_needed_pct']:+.2f}% a year")
    for s in answer["scenarios"]:
        against = versus_target(s["shortfall_usd_mn"], _usd_mn)
        verdict = f"met, {against}" if s["is_met"] else against
        body.append(
            f"at {s['growth_pct']:+.1f}% a year: {_usd_mn(s['projected_usd_mn'])} in "
            f"{_year(answer, answer['deadline_year'])}, {verdict}"
        )
    if answer["probability"] is not None:
        body += _chance(answer)
    return lines + [_INDENT + line for line in body]
