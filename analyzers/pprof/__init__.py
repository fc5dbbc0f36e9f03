"""pprof CPU profiles: decoded (decode.py), named as the engine names Go functions (names.py), mapped onto
the analysed packages (mapping.py) and turned into hot-path tiers over the static ones (tiers.py).
Bytes in, facts out: callers read the files."""
