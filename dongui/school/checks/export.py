"""The results as spreadsheet rows (the district report's CSV)."""

from flask_babel import gettext as _


def results_header(survey, locale: str) -> list[str]:
    labels = survey.labels[locale]
    return [
        _("Group"),
        _("Statement"),
        _("Half"),
        _("Answers"),
        *labels,
        _("Left blank"),
        _("Share who agree (percent)"),
        _("Change (percentage points)"),
        _("95 percent interval: from"),
        _("95 percent interval: to"),
    ]


def results_rows(results, locale: str, group: str) -> list[list]:
    """One row per statement and half; below the threshold, one row that says why."""
    if not results.shown:
        return [
            [
                group,
                _("Not shown: fewer than %(k)d answers before or after", k=results.k),
                "",
                f"{results.before}/{results.after}",
            ]
        ]
    rows = []
    for item in results.items:
        change = item.change
        for half, counts, blank, n, share in (
            (_("Before"), item.before, item.blank_before, item.n_before, item.share_before),
            (_("After"), item.after, item.blank_after, item.n_after, item.share_after),
        ):
            tail = (
                [round(change[0] * 100), round(change[1] * 100), round(change[2] * 100)]
                if change and half == _("After")
                else ["", "", ""]
            )
            rows.append(
                [
                    group,
                    item.item.text[locale],
                    half,
                    n,
                    *counts,
                    blank,
                    round(share * 100) if n else "",
                    *tail,
                ]
            )
    return rows
