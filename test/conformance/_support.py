# What every conformance program prints with, so both sides print alike (the .ts twin: _support.ts).


def b(flag):  # booleans as JavaScript prints them
    return 'true' if flag else 'false'


def describe(e):
    return f'{type(e).__name__}: {e}' if str(e) else type(e).__name__
