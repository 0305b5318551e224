"""The library side of each verb: what `rapportgen <verb>` does, callable from Python without Click.

    build.py        rapportgen.build(): every document type, batch sheets and meeting manifests
    kontrollera.py  rapportgen.check(): every applicable check on input files
    init.py         a working folder (profile, templates, example inputs)
    mallar.py       users' own Word templates: list, variables, check
    revision.py     the revision register's reply deadlines
"""
