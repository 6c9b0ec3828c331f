"""Abuse: prints 100 MiB while its module loads (builtins only)."""

for _ in range(100):
    print("x" * (1 << 20))
