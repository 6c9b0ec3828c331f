"""Tampering: a lesson is the learner's own text in part, here an error's message and what the
code printed: new lines, \r, workflow commands, an HTML comment and table pipes, to forge the
summary and the runner's commands (builtins only, nothing the static gate looks for)."""

print("\r::warning::FORGED by a print")
raise RuntimeError(
    "FORGED\n::add-mask::secret\r::notice title=x::FORGED | col | <!-- hidden\n## FORGED heading\n%0A::error::FORGED"
)
