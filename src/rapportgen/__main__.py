"""`python -m rapportgen`: the same as the rapportgen command."""

from rapportgen.cli import main

if __name__ == "__main__":
    main()
