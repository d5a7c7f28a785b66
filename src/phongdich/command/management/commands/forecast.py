"""`phongdich forecast`: the forecasting methods on any `date,count` series, so they can be checked outside the
platform: `rt` prints Rt by window end, `project` the daily cases ahead, `backtest` the track record per horizon;
and `nightly`, the nightly runs of the province and its districts (for a deployment without task workers)."""

import json
from datetime import timedelta
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from phongdich.command.forecast.backtest import backtest
from phongdich.command.forecast.projection import DRAWS, fitted_noise, project, r_posterior_draws
from phongdich.command.forecast.rt import PRIOR_MEAN, PRIOR_SD, WINDOW, estimate_rt
from phongdich.command.forecast.runs import forecasts_nightly
from phongdich.command.forecast.serial import SerialInterval
from phongdich.command.forecast.series import MAX_BYTES, SeriesError, read_series_csv


class Command(BaseCommand):
    help = "Forecasting methods on a date,count series: Rt, a projection, or the backtest of past projections."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("nightly", help="The province's and each district's forecast of last night, if not yet run.")
        for name, text in (
            (
                "rt",
                "Rt by the method of Cori et al. (2013) over sliding windows, labelled with each window's last day.",
            ),
            ("project", "Daily cases ahead by the renewal equation, R drawn from the last window's posterior."),
            ("backtest", "Project from every past day and score the projections against what was reported."),
        ):
            action = sub.add_parser(name, help=text)
            action.add_argument("--series", required=True, type=Path, help="A CSV file of date,count rows.")
            action.add_argument("--si-mean", type=float, default=4.7, help="Serial interval mean, days (4.7).")
            action.add_argument("--si-sd", type=float, default=2.9, help="Serial interval SD, days (2.9).")
            action.add_argument("--json", action="store_true", help="Print JSON (the default prints a table).")
            if name == "rt":
                action.add_argument("--window", type=int, default=WINDOW, help=f"Window, days ({WINDOW}).")
                action.add_argument("--prior-mean", type=float, default=PRIOR_MEAN)
                action.add_argument("--prior-sd", type=float, default=PRIOR_SD)
            if name == "project":
                action.add_argument("--horizon", type=int, default=14, choices=range(1, 91), metavar="1…90")
                action.add_argument("--draws", type=int, default=DRAWS, choices=range(100, 100_001), metavar="N")
                action.add_argument("--seed", type=int, default=19)

    def handle(self, *args, action, series=None, json=False, **options):
        translation.activate(settings.LANGUAGE_CODE)
        if action == "nightly":
            self.stdout.write(f"{forecasts_nightly()} forecast(s) computed.")
            return
        try:
            daily = read_series_csv(_read(series))
            serial = SerialInterval(options["si_mean"], options["si_sd"])
            rows = getattr(self, f"_{action}")(daily, serial, options)
        except SeriesError as error:
            raise CommandError(str(error)) from error
        if json:
            self.stdout.write(_json(rows))
            return
        for row in rows:
            self.stdout.write("  ".join(f"{key}={_shown(value)}" for key, value in row.items()))

    def _rt(self, daily, serial, options) -> list[dict]:
        estimates = estimate_rt(
            daily.counts, serial, window=options["window"], prior_mean=options["prior_mean"],
            prior_sd=options["prior_sd"],
        )  # fmt: skip
        days = daily.days
        return [{"date": days[row.pop("index")].isoformat(), **row} for row in estimates.rows()]

    def _project(self, daily, serial, options) -> list[dict]:
        rng = np.random.default_rng(options["seed"])
        estimates = estimate_rt(daily.counts, serial)
        last = len(estimates.ends) - 1
        if np.isnan(estimates.shape[0, last]):
            raise SeriesError(_("The series is too short for the serial interval: no window has an estimate."))
        draws = r_posterior_draws(estimates, series=0, window=last, size=options["draws"], rng=rng)
        noise = fitted_noise(daily.counts, estimates, serial, origin=len(daily.counts) - 1)
        projection = project(daily.counts, serial, draws, horizon=options["horizon"], rng=rng, noise=noise)
        end = daily.end
        return [{"date": (end + timedelta(days=row.pop("ahead"))).isoformat(), **row} for row in projection.summary()]

    def _backtest(self, daily, serial, options) -> list[dict]:
        return [score.as_dict() for score in backtest(daily, serial)]


def _read(path: Path) -> str:
    if not path.is_file():
        raise CommandError(f"{path}: no such file.")
    if path.stat().st_size > MAX_BYTES:
        raise CommandError(f"{path}: larger than 1 MB.")
    return path.read_text(encoding="utf-8-sig")


def _json(rows: list[dict]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=1, default=float)


def _shown(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)
