"""bench/soak.py in parts, one job each; the script puts bench/ and the repo root on sys.path."""
