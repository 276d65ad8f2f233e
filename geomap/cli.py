"""Command line of the gazetteer (placeholder)."""


def main() -> int:
    """Run the ``gazetteer`` command."""
    return 0
