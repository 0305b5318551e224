"""The console entry (`rapportgen`, `python -m rapportgen`).

A build or check is handed to the background server's warm process before Click is even
imported (rapportgen.varm); anything else, or when no warm process can take it, runs here
as rapportgen.cli.main does. The process then leaves without the interpreter's teardown
(rapportgen.utgang).
"""

import sys


def main() -> None:
    from rapportgen.utgang import avsluta
    from rapportgen.varm import delegera

    code = delegera(sys.argv[1:])
    if code is not None:
        avsluta(code)
    from rapportgen.cli import kor_har

    try:
        kor_har()
    except SystemExit as exc:
        avsluta(exc.code)
    avsluta(0)


if __name__ == "__main__":
    main()
