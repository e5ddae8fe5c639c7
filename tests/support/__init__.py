"""What every test tier shares: credentials, clocks, databases, processes, a fake Slack."""
