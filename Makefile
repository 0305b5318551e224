# rapportgen: `make demo` and `make test` install everything they need, then run.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
RG := $(VENV)/bin/rapportgen
# LibreOffice's UNO bindings belong to the system Python, so the venv is built on it.
SYSPYTHON := /usr/bin/python3
APT_PACKAGES := libreoffice-writer-nogui libreoffice-calc-nogui python3-uno python3-venv \
	fonts-crosextra-carlito fonts-crosextra-caladea fonts-liberation2 fonts-dejavu-core poppler-utils \
	chromium chromium-driver
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo demo-harryda demo-norrvik test bench docs system venv clean

system:
	@missing=$$(for p in $(APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installerar systempaket: $$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(VENV)/.installed: pyproject.toml | system
	@test -x $(PY) || $(SYSPYTHON) -m venv --system-site-packages $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	@touch $@

venv: system $(VENV)/.installed

demo: venv
	$(RG) kontrollera examples/tjansteskrivelser
	$(RG) tjansteskrivelse examples/tjansteskrivelser/*.md -o outputs/tjansteskrivelser
	$(RG) tjansteskrivelse --batch examples/tjansteskrivelser/batch/arenden.xlsx -o outputs/batch
	$(RG) revisionssvar examples/revision/uppfoljning-granskningar.yaml examples/revision/it-sakerhet.md -o outputs/revision
	# Slutkod 1: exemplet har en försenad rapport och en som missar sitt sammanträde.
	$(RG) revision status --register examples/revision/revisionsregister.yaml --per 2023-09-05 || [ $$? -eq 1 ]
	$(RG) uppdragslista examples/revision/uppdragslista.xlsx --register examples/revision/revisionsregister.yaml -o outputs/revision
	$(RG) handling examples/sammantrade-2023-09-19/sammantrade.yaml -o outputs/sammantrade
	$(RG) handling examples/sammantrade-2023-09-19/sammantrade.yaml -o outputs/sammantrade --publicering
	$(RG) protokoll examples/sammantrade-2023-09-19/sammantrade.yaml -o outputs/protokoll
	$(RG) protokoll examples/sammantrade-2023-09-19/sammantrade.yaml -o outputs/protokoll --publicering
	$(RG) utdrag examples/sammantrade-2023-09-19/sammantrade.yaml -o outputs/protokoll/utdrag
	$(RG) anslagsbevis examples/sammantrade-2023-09-19/sammantrade.yaml -o outputs/protokoll
	$(RG) verksamhetsplan examples/verksamhetsplan -o outputs/verksamhetsplan
	$(RG) delarsrapport examples/delarsrapport -o outputs/delarsrapport
	$(MAKE) --no-print-directory demo-harryda
	$(MAKE) --no-print-directory demo-norrvik
	@echo "Klart: se outputs/"

# Andra organisationen (Härryda): egna mallar, eget dnr-mönster, egen avsnittslista.
demo-harryda: venv
	cd examples/harryda && ../../$(RG) tjansteskrivelse tjansteskrivelser/*.md -o ../../outputs/harryda/tjansteskrivelser
	cd examples/harryda && ../../$(RG) handling sammantrade.yaml -o ../../outputs/harryda/sammantrade
	$(RG) tjansteskrivelse examples/tjansteskrivelser/*.md --mallar examples/harryda/mallar -o outputs/harryda/samma-indata

# Tredje organisationen (Norrvik, påhittad): bara profil, mall och indata; konventionerna i profilen.
demo-norrvik: venv
	cd examples/norrvik && ../../$(RG) mallar kontrollera mallar/tjansteskrivelse.docx
	cd examples/norrvik && ../../$(RG) check tjansteskrivelser sammantrade.yaml
	cd examples/norrvik && ../../$(RG) tjansteskrivelse tjansteskrivelser/*.md -o ../../outputs/norrvik/tjansteskrivelser
	cd examples/norrvik && ../../$(RG) handling sammantrade.yaml -o ../../outputs/norrvik/sammantrade
	cd examples/norrvik && ../../$(RG) mallar kontrollera mallar/verksamhetsplan.docx
	cd examples/norrvik && ../../$(RG) check verksamhetsplan
	cd examples/norrvik && ../../$(RG) verksamhetsplan verksamhetsplan -o ../../outputs/norrvik/verksamhetsplan

# Two pytest workers per core (pytest-xdist): many tests wait on LibreOffice or on processes they
# start, which leaves a core idle with one worker per core. A unit of work goes to one worker, so
# its module fixtures (builds, PDF cache) are made once; tests/conftest.py says what a unit is (a
# file, the files that read the one build of the example package, or a part of a long file) and
# starts the slowest first. Each worker has its own LibreOffice pool.
test: venv
	# Subprocess tests start many interpreters: let them reuse bytecode even where the shell forbids writing it.
	env -u PYTHONDONTWRITEBYTECODE $(PY) -m pytest -q -n $$(( $$(nproc) * 2 )) --dist loadfile

clean:
	rm -rf $(VENV) outputs/*/ .pytest_cache

# Referenssidorna för mallförfattare (genereras ur datamodellerna).
docs: venv
	$(RG) mallar variabler --alla --markdown > docs/.mallvariabler.md.tmp
	mv docs/.mallvariabler.md.tmp docs/mallvariabler.md
	$(RG) mallar tabeller > docs/.tabelldefinitioner.md.tmp
	mv docs/.tabelldefinitioner.md.tmp docs/tabelldefinitioner.md

# Conversion benchmark: rapportgen's LibreOffice pool vs one soffice per file (see bench/bench.py).
bench: venv
	$(PY) bench/bench.py
