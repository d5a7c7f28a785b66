"""Forecasting: the effective reproduction number, short-term projections and their track record, the demand they
put on the treatment tower, and intervention scenarios. The methods (series, serial interval, rt, projection,
backtest, demand) work on plain arrays so they can be checked on any series; runs.py feeds them the platform's own
figures and stores each run with its inputs."""
