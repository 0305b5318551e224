"""The console entry (`rapportgen`, `python -m rapportgen`).

A build or check is handed to the background server's warm process before Click is even
imported (rapportgen.varm); anything else, or when no warm process can take it, runs here
as rapportgen.cli.main does.
"""

import sys


def main() -> None:
    from rapportgen.varm import delegera

    code = delegera(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    from rapportgen.cli import kor_har

    kor_har()


if __name__ == "__main__":
    main()
