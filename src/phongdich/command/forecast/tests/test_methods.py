"""Series read and checked, projections, their backtest, the demand they put on the tower, and the command line."""

import json
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from phongdich.command.forecast.backtest import backtest
from phongdich.command.forecast.demand import Capacity, CareAssumptions, care_demand
from phongdich.command.forecast.projection import Noise, project
from phongdich.command.forecast.serial import SerialInterval
from phongdich.command.forecast.series import (
    DailySeries,
    SeriesError,
    read_portal_province,
    read_series_csv,
)

NISHIURA = SerialInterval(4.7, 2.9)
DATA = Path(__file__).parents[1] / "data"
JULY = date(2021, 7, 1)  # the series are Bình Dương's summer of 2021; the clock plays no part here


def csv_of(counts, start=JULY) -> str:
    return "date,count\n" + "".join(f"{start + timedelta(days=n)},{c}\n" for n, c in enumerate(counts))


def test_a_date_count_file_becomes_a_daily_series_with_or_without_a_header():
    series = read_series_csv("01/07/2021,3\n2021-07-02,5\n2021-07-03,0\n")
    assert series.start == JULY and list(series.counts) == [3, 5, 0]
    assert read_series_csv(csv_of([3, 5, 0])).counts.tolist() == [3, 5, 0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("date,count\n2021-07-01,3\n2021-07-03,4\n", "gap"),
        ("date,count\n2021-07-02,3\n2021-07-01,4\n", "order"),
        ("date,count\n2021-07-01,3\n2021-07-02,-4\n", "-4"),
        ("date,count\n2021-07-01,3\n2021-07-02,2.5\n", "2.5"),
        ("date,count\n2021-07-01,3\nhôm qua,4\n", "Row 3, column 1"),
        ("date,count\n2021-07-01,ba\n", "Row 2, column 2"),
        ("date,count\n2021-07-01,3,1\n", "Row 2"),
        ("date,count\n", "no days"),
    ],
)
def test_a_file_with_gaps_negative_counts_or_days_out_of_order_is_refused_naming_the_place(text, message, settings):
    with pytest.raises(SeriesError) as refused, _in_english():
        read_series_csv(text)
    assert message in str(refused.value)


def test_the_portal_table_gives_binh_duongs_series_with_days_not_reported_as_zero(tmp_path):
    table = tmp_path / "case.csv"
    table.write_text("id,1/7/2021,2/7/2021,4/7/2021\n2,9,9,9\n44,120,215.0,98\n")
    series = read_portal_province(table, "44")
    assert series.counts.tolist() == [120, 215, 0, 98]
    with pytest.raises(SeriesError):
        read_portal_province(table, "99")


def test_a_projection_with_r_at_one_stays_level_and_its_interval_holds_the_level():
    rng = np.random.default_rng(1)
    history = np.full(90, 200.0)
    projected = project(history, NISHIURA, np.ones(1000), horizon=28, rng=rng)
    assert projected.draws.shape == (1000, 28)
    for day in projected.summary():
        assert day["median"] == pytest.approx(200, rel=0.05)
        assert day["lower"] < 200 < day["upper"]


def test_a_growing_r_grows_the_projection_and_scatter_widens_its_interval():
    history = np.full(90, 100.0)
    calm = project(history, NISHIURA, np.full(500, 1.3), horizon=14, rng=np.random.default_rng(2)).summary()
    noisy = project(
        history, NISHIURA, np.full(500, 1.3), horizon=14, rng=np.random.default_rng(2), noise=Noise(2.0, 0.05)
    ).summary()
    assert calm[-1]["median"] > calm[0]["median"] > 100
    assert noisy[-1]["upper"] - noisy[-1]["lower"] > 2 * (calm[-1]["upper"] - calm[-1]["lower"])


def test_the_backtest_scores_every_horizon_on_a_steady_epidemic_well():
    rng = np.random.default_rng(3)
    counts = rng.poisson(150, size=200).astype(float)
    scores = backtest(DailySeries(JULY, counts), NISHIURA, draws=200)
    assert [score.horizon for score in scores] == [7, 14, 28]
    for score in scores:
        assert score.origins == 200 - 7 - 28
        assert score.mape < 15
        assert score.coverage > 0.8


def test_care_demand_adds_each_days_admissions_for_the_stay_and_lets_todays_patients_leave_evenly():
    projected = np.full((10, 20), 100.0)  # 100 new cases a day, the same in every draw
    capacity = Capacity(beds={1: 500, 2: 100, 3: 20}, icu_beds=10, in_beds={1: 0, 2: 60, 3: 0})
    demand = care_demand(projected, JULY, capacity, CareAssumptions())
    tier2 = demand.tiers[2]  # 15 a day for 12 days; 60 in beds leave 5 a day
    assert tier2.median[0] == pytest.approx(15 + 55)
    assert tier2.median[11] == pytest.approx(180)
    assert tier2.saturation == JULY + timedelta(
        days=4
    )  # 100 on the 4th day fills the beds; 110 on the 5th does not fit
    assert demand.tiers[1].saturation == JULY + timedelta(days=6)  # 80 a day: 560 > 500 on the 7th day
    assert demand.icu.median[9] == pytest.approx(50) and demand.icu.saturation == JULY + timedelta(days=2)
    assert demand.oxygen_m3[0] == pytest.approx((70 * 10 + 5 * 30) * 1.44)


def test_the_command_line_prints_rt_as_json_rows_of_date_mean_lower_upper(tmp_path, capsys):
    counts = [1, 2, 4, 3, 6, 8, 10, 12, 15, 20, 18, 25, 30, 28, 35]
    series = tmp_path / "cases.csv"
    series.write_text(csv_of(counts))
    call_command("forecast", "rt", "--series", str(series), "--si-mean", "4.7", "--si-sd", "2.9", "--json")
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["date"] == "2021-07-08"
    assert rows[0]["mean"] == pytest.approx(3.80223, rel=1e-5)  # EpiEstim: 3.802230
    assert {"date", "mean", "lower", "upper"} <= rows[0].keys()


def test_the_command_line_projects_the_days_after_the_series(tmp_path, capsys):
    series = tmp_path / "cases.csv"
    series.write_text(csv_of([40 + n for n in range(30)]))
    call_command("forecast", "project", "--series", str(series), "--horizon", "7", "--draws", "200", "--json")
    rows = json.loads(capsys.readouterr().out)
    assert [row["date"] for row in rows] == [str(JULY + timedelta(days=30 + n)) for n in range(7)]
    assert all(row["lower"] <= row["mean"] <= row["upper"] for row in rows)


def test_the_command_line_refuses_a_serial_interval_without_spread_in_vietnamese(tmp_path):
    series = tmp_path / "cases.csv"
    series.write_text(csv_of(range(20)))
    with pytest.raises(CommandError, match="Độ lệch chuẩn của khoảng nối tiếp phải lớn hơn 0"):
        call_command("forecast", "rt", "--series", str(series), "--si-sd", "0")


def _in_english():
    from django.utils import translation

    return translation.override("en")


def test_binh_duongs_packaged_series_is_the_portals_row_whole():
    series = read_series_csv((DATA / "binh-duong-2020-2022.csv").read_text(encoding="utf-8"))
    assert (series.start, series.end) == (date(2020, 3, 18), date(2022, 1, 22))
    assert series.counts.sum() == 264_085
    assert series.counts.max() == 8_695 and series.days[int(series.counts.argmax())] == date(2021, 8, 27)
