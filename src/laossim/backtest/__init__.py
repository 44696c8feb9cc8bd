"""The historical backtest: an observation model from a run's alignments to UN General Assembly
voting (``observation``) and the scores of simulated against observed series (``scoring``)."""
