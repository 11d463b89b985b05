"""CSV cells safe to open in a spreadsheet: every CSV export of the platform writes its text cells through this."""

# Characters that make a spreadsheet read a cell as a formula (CSV injection, OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str) -> str:
    """A text cell a spreadsheet shows as text: a leading formula character is escaped with an apostrophe."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value
