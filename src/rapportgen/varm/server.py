"""The fork server: a preloaded, single-threaded process that runs delegated commands.

Started by the background server (convert/bakgrund.py) as its child, with -P (nothing is
imported from a working folder). It imports the build pipeline, renders the packaged
example once without PDF (templates opened, Jinja code compiled, locale data loaded), then
listens on varm.sock in the 0700 state folder. For each connection from the same uid
(SO_PEERCRED) it forks a supervisor, which reads the request, checks the fingerprint and
forks the worker: the worker takes the client's working folder, environment, umask and
standard streams and runs rapportgen's own CLI with the client's argv, nothing else. The
supervisor passes on the client's signals, kills the worker if the client goes away, and
reports the exit code. The fork server itself never starts a thread or LibreOffice, so a
fork is safe; it exits when its parent (the background server) is gone.
"""

from __future__ import annotations

import argparse
import gc
import glob
import json
import os
import select
import signal
import socket
import struct
import sys
import threading
import time
from pathlib import Path

from .gemensamt import MAGIC, MAX_BEGARAN, SOCKET, STATE, Rader, adress, fingeravtryck, paket

SO_PEERCRED_FORMAT = "3i"
GO_TIDSGRANS = 30.0  # seconds a client may take between "klar" and "go"
AVSKED = 10.0  # seconds a worker whose client is gone gets after SIGINT, before SIGKILL


def logga(text: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} varm {os.getpid()}: {text}", file=sys.stderr, flush=True)


# --- preloading -------------------------------------------------------------------------------

# The packaged examples rendered once at start (the tjänsteskrivelse first: the commonest rebuild).
EXEMPEL = ("tjansteskrivelse.md", "delarsrapport.yaml", "verksamhetsplan.yaml", "protokoll.yaml",
           "uppdragslista.xlsx", "revisionssvar.yaml", "sammantrade.yaml")


def forladda() -> int:
    """Import what a build uses and render the packaged example once; the number of modules."""
    import importlib
    import pkgutil
    import tempfile

    import rapportgen
    from rapportgen import cli

    for name in cli.KOMMANDON:  # the verbs' modules (and what they import at the top)
        if name not in ("serve",):
            cli.cli.commands.get(name)
    skip = ("rapportgen.web", "rapportgen.varm", "rapportgen.__main__", "rapportgen.convert._unoserve")
    for info in pkgutil.walk_packages(rapportgen.__path__, "rapportgen."):
        if info.name.startswith(skip):
            continue
        try:
            importlib.import_module(info.name)
        except Exception as exc:  # an optional part that cannot load here loads (and fails) in the worker
            logga(f"{info.name} lästes inte in i förväg: {exc}")
    # What the stages import inside their functions (charts, fonts, images, PDF filters).
    tables = ("_c_m_a_p", "_g_l_y_f", "_h_e_a_d", "_h_h_e_a", "_h_m_t_x", "_l_o_c_a", "_m_a_x_p", "_n_a_m_e",
              "_p_o_s_t", "_p_r_e_p", "_c_v_t", "_f_p_g_m", "_f_v_a_r", "C_P_A_L_", "O_S_2f_2", "otTables", "otBase",
              "otConverters", "otData", "ttProgram", "TupleVariation")
    for lib in ("ctypes", "docxtpl", "docx", "pypdf", "pypdf.filters", "pikepdf", "openpyxl", "babel.numbers", "babel.dates",
                "lxml.etree", "markdown_it", "pydantic", "jinja2", "ruamel.yaml", "yaml", "reportlab.pdfgen.canvas",
                "reportlab.lib.fonts", "encodings.utf_16_be", "encodings.utf_16_le", "encodings.charmap", "fontTools.subset", "fontTools.ttLib",
                "fontTools.ttLib.standardGlyphOrder", "fontTools.agl", "fontTools.unicode", "fontTools.pens.boundsPen",
                "PIL.Image", "PIL.ImageCms", "PIL.PngImagePlugin", "dateutil.parser", "dateutil.tz",
                "concurrent.futures.process", "multiprocessing.popen_spawn_posix", "multiprocessing.synchronize",
                "multiprocessing.queues", "multiprocessing.resource_tracker",  # assemble.bygg._Forlasning
                *(f"fontTools.ttLib.tables.{t}" for t in tables)):
        try:
            importlib.import_module(lib)
        except Exception as exc:
            logga(f"{lib} lästes inte in i förväg: {exc}")
    # The font metrics the user's builds have read (joining a package's fonts; the installed fonts'
    # names are looked up again in each worker, see _aterstall).
    try:
        from rapportgen.assemble import pdf, typsnitt

        logga(f"typsnitt i förväg: {typsnitt.forladda()}")
        pdf.fonts()  # the stamps' fonts (reportlab parses them when they are registered)
    except Exception as exc:
        logga(f"typsnitten lästes inte in i förväg: {exc}")
    # One render of each packaged example, no PDF, no cache folder of the user's touched: the
    # shipped templates' Jinja code compiled, charts' fonts and locale data loaded.
    from rapportgen.config import Profil

    saved = dict(os.environ)
    try:
        with tempfile.TemporaryDirectory(prefix="rapportgen-varm-") as tmp:
            os.environ["XDG_CACHE_HOME"] = os.path.join(tmp, "cache")
            os.environ["RAPPORTGEN_CACHE"] = os.path.join(tmp, "cache", "pdf")
            for n, name in enumerate(EXEMPEL):
                try:
                    rapportgen.build(os.path.join(paket(), "exempel", name), os.path.join(tmp, f"ut{n}"),
                                     profil=Profil(), pdf=False, tvinga=True)
                except Exception as exc:
                    logga(f"exemplet {name} renderades inte i förväg: {exc}")
            # The conversion's copy of each (convert.prepare): the shipped templates' styles are
            # parsed here, not in the first rebuild.
            from rapportgen.convert.prepare import prepare

            for n, docx in enumerate(sorted(glob.glob(os.path.join(tmp, "ut*", "**", "*.docx"), recursive=True))):
                try:
                    prepare(Path(docx), Path(tmp) / f"forberedd-{n}.docx", None)
                except Exception as exc:
                    logga(f"{os.path.basename(docx)} förbereddes inte i förväg: {exc}")
    finally:
        os.environ.clear()
        os.environ.update(saved)
    # The code's digest in the parts' cache keys (files only: the LibreOffice found on the client's
    # PATH is looked up in each worker).
    from rapportgen.convert.cache import koddigest, konverteringskod

    koddigest()
    konverteringskod()
    # What is loaded now stays out of the collector's sight, so a worker's collections do not walk
    # (and copy-on-write) the preloaded heap.
    gc.collect()
    gc.freeze()
    return len(sys.modules)


# --- the worker -------------------------------------------------------------------------------


def _stdio(fd: int, mode: str, encoding: str, errors: str, tty: bool):
    line = mode == "w" and (tty or fd == 2)
    stream = open(fd, mode, encoding=encoding, errors=errors, closefd=False)
    if line:
        stream.reconfigure(line_buffering=True)
    return stream


def _arbetare(req: dict, fds: list[int], server_pid: int) -> None:
    """In the forked worker: become the client's process and run its command. Never returns."""
    code = 1
    try:
        _foraldradod(signal.SIGINT)  # the supervisor gone (killed with the background server): stop
        os.setpgid(0, 0)
        for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGCHLD, signal.SIGTSTP):
            signal.signal(s, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)  # as at interpreter start
        os.fchdir(fds[3])
        os.environ.clear()
        os.environ.update(req["env"])
        os.umask(int(req["umask"]))
        for target, fd in enumerate(fds[:3]):
            os.dup2(fd, target)
        for fd in fds:
            os.close(fd)
        try:
            import locale

            locale.setlocale(locale.LC_CTYPE, "")
        except Exception:
            pass
        (ie, ierr), (oe, oerr), (ee, eerr) = req["strommar"]
        sys.stdin = sys.__stdin__ = _stdio(0, "r", ie, ierr, False)
        sys.stdout = sys.__stdout__ = _stdio(1, "w", oe, oerr, os.isatty(1))
        sys.stderr = sys.__stderr__ = _stdio(2, "w", ee, eerr, True)
        sys.argv = ["rapportgen", *req["argv"]]
        _aterstall()
        debug = os.environ.get("RAPPORTGEN_VARM_DEBUG", "").strip() not in ("", "0")
        if debug:
            print(f"rapportgen varm: arbetare {os.getpid()}, förälder {os.getppid()}, gaffelserver {server_pid}",
                  file=sys.stderr, flush=True)
        before = set(sys.modules)
        code = _kor_cli()
        if debug:
            import resource

            new = sorted(set(sys.modules) - before)
            cpu = sum(getattr(resource.getrusage(w), f) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
                      for f in ("ru_utime", "ru_stime"))
            print(f"rapportgen varm: arbetaren använde {cpu:.2f} s processortid; {len(new)} moduler lästes in "
                  f"under kommandot: {' '.join(new)}", file=sys.stderr, flush=True)
    except BaseException as exc:  # noqa: BLE001 - whatever happens, the supervisor gets a code
        # Ctrl-C before the command began: as an interrupted interpreter start, a traceback and 130
        code = 128 + signal.SIGINT if isinstance(exc, KeyboardInterrupt) else 1
        try:
            sys.excepthook(*sys.exc_info())
        except BaseException:
            pass
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass
        os._exit(code)


_PR_SET_PDEATHSIG = 1


def _foraldradod(signum: int) -> None:
    """Ask Linux for signum when the parent process ends (prctl PR_SET_PDEATHSIG)."""
    parent = os.getppid()
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signum), 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it ended before the request took effect
        os.kill(os.getpid(), signum)


def _aterstall() -> None:
    """Per-process state read from the environment once, that the client's environment may change."""
    import importlib
    import tempfile
    import warnings

    tempfile.tempdir = None  # gettempdir() reads TMPDIR again (the warm-up cached the server's)
    time.tzset()  # TZ
    mutated = getattr(warnings, "_filters_mutated", None)
    if mutated is not None:
        mutated()  # warnings shown once in the server are shown again, as in a new process

    for mod, name in (("rapportgen.assemble.typsnitt", "_system_fonts"),):  # fonts the client may have added
        m = sys.modules.get(mod)
        fn = getattr(m, name, None) if m else None
        if fn is not None and hasattr(fn, "cache_clear"):
            fn.cache_clear()
    cache = sys.modules.get("rapportgen.convert.cache")
    if cache is not None:
        cache._ENGINE = None  # LibreOffice's version: read again, as a new process would
        cache._KODVERSION = None  # it holds that version (the code digest, made at preload, stays)
    importlib.invalidate_caches()


def _kor_cli() -> int:
    """rapportgen's CLI in this process, with a normal interpreter exit's order of clean-up."""
    from rapportgen import cli
    from rapportgen.utgang import exit_code, stada

    profil = os.environ.get("RAPPORTGEN_VARM_PROFIL")
    prof = None
    if profil:
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
    try:
        cli.kor_har()
        code = 0
    except SystemExit as exc:
        code = exit_code(exc.code)
    except KeyboardInterrupt:
        sys.excepthook(*sys.exc_info())
        code = 128 + signal.SIGINT
    except BaseException:
        sys.excepthook(*sys.exc_info())
        code = 1
    finally:
        if prof is not None:
            prof.disable()
            prof.dump_stats(profil)
    stada()  # non-daemon threads and exit handlers, as the interpreter's exit
    return code


# --- the supervisor ---------------------------------------------------------------------------


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    parts, got = [], 0
    while got < n:
        data = sock.recv(min(n - got, 1 << 20))
        if not data:
            raise EOFError
        parts.append(data)
        got += len(data)
    return b"".join(parts)


def _skicka(sock: socket.socket, msg: dict) -> None:
    sock.sendall(json.dumps(msg).encode() + b"\n")


def _handledare(conn: socket.socket, server_pid: int, avtryck: str) -> int:
    """In the forked supervisor: take the request, start the worker, report its exit code."""
    fds: list[int] = []
    conn.settimeout(GO_TIDSGRANS)
    try:
        head, fds, flags, _ = socket.recv_fds(conn, len(MAGIC) + 4, 8)
        if flags & getattr(socket, "MSG_CTRUNC", 0) or len(fds) != 4:
            _skicka(conn, {"nej": "fel antal fildeskriptorer"})
            return 1
        if len(head) < len(MAGIC) + 4:
            head += _recv_exact(conn, len(MAGIC) + 4 - len(head))
        (size,) = struct.unpack("!I", head[len(MAGIC):])
        if head[:len(MAGIC)] != MAGIC or size > MAX_BEGARAN:
            _skicka(conn, {"nej": "okänd begäran"})
            return 1
        req = json.loads(_recv_exact(conn, size).decode("utf-8", "surrogatepass"))
        if req.get("fingeravtryck") != avtryck:
            _skicka(conn, {"nej": "annan kod eller Python än den varma processens"})
            return 1
        _skicka(conn, {"klar": server_pid})
        rader = Rader(conn)
        if rader.las() != b"go":
            return 1
    except (OSError, EOFError, ValueError, KeyError, TypeError):
        return 1
    finally:
        if not fds or len(fds) != 4:
            for fd in fds:
                os.close(fd)
    conn.settimeout(None)
    pid = os.fork()
    if pid == 0:
        conn.close()
        _arbetare(req, fds, server_pid)
    for fd in fds:
        os.close(fd)
    return _overvaka(conn, rader, pid)


def _overvaka(conn: socket.socket, rader: Rader, pid: int) -> int:
    try:
        _skicka(conn, {"startad": pid})
    except OSError:
        pass
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None
    waiting = [conn] + ([pidfd] if pidfd is not None else [])
    gone_at = None
    status = None
    for line in rader.buf.split(b"\n")[:-1]:
        _signal_line(line, pid)
    rader.buf = rader.buf.rsplit(b"\n", 1)[-1]
    while status is None:
        timeout = 0.2 if pidfd is None else (1.0 if gone_at is not None else None)
        ready, _, _ = select.select(waiting, [], [], timeout)
        if conn in ready:
            try:
                lines = rader.fardig()
            except OSError:
                lines = None
            if lines is None:  # the client is gone: interrupt, then kill
                waiting.remove(conn)
                gone_at = time.monotonic()
                _kill(pid, signal.SIGINT)
            else:
                for line in lines:
                    _signal_line(line, pid)
        if gone_at is not None and time.monotonic() - gone_at > AVSKED:
            _kill(pid, signal.SIGKILL)
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            status = st
    msg = {"kod": os.WEXITSTATUS(status)} if os.WIFEXITED(status) else \
        {"kod": 128 + os.WTERMSIG(status), "signal": os.WTERMSIG(status)}
    if gone_at is None:
        try:
            _skicka(conn, msg)
        except OSError:
            pass
    return 0


def _signal_line(line: bytes, pid: int) -> None:
    try:
        signum = int(json.loads(line)["signal"])
    except (ValueError, KeyError, TypeError):
        return
    if signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGSTOP, signal.SIGCONT):
        _kill(pid, signum)


def _kill(pid: int, signum: int) -> None:
    """To the worker's process group, as a terminal does (its own children included)."""
    try:
        os.killpg(pid, signum)
    except (ProcessLookupError, PermissionError):
        try:
            os.kill(pid, signum)
        except (ProcessLookupError, PermissionError):
            pass


# --- the server loop --------------------------------------------------------------------------


def _skriv_state(folder: str, data: dict) -> None:
    tmp = os.path.join(folder, f".{STATE}.{os.getpid()}")
    with open(tmp, "w") as fh:
        json.dump(data, fh)
    os.replace(tmp, os.path.join(folder, STATE))


def serve(folder: str, agare: int) -> int:
    stopping = False

    def stop(*_a):
        nonlocal stopping
        stopping = True

    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, stop)
    avtryck = fingeravtryck()  # before anything is imported: an edit after this changes it
    t0 = time.monotonic()
    moduler = forladda()
    if threading.active_count() != 1:
        logga(f"{threading.active_count()} trådar efter inläsningen; en gaffelserver måste ha en enda")
        return 1
    own = os.getpid()
    tmpname = f".{SOCKET}.{own}"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
    address, dirfd = adress(folder, tmpname)
    try:
        old = os.umask(0o177)
        try:
            listener.bind(address)
        finally:
            os.umask(old)
        listener.listen(64)
        os.replace(os.path.join(folder, tmpname), os.path.join(folder, SOCKET))
    finally:
        if dirfd is not None:
            os.close(dirfd)
    ino = os.stat(os.path.join(folder, SOCKET)).st_ino
    _skriv_state(folder, {"pid": own, "fingeravtryck": avtryck, "python": sys.executable, "paket": paket(),
                          "moduler": moduler, "inlasning": round(time.monotonic() - t0, 3), "startad": time.time()})
    logga(f"klar: {moduler} moduler inlästa på {time.monotonic() - t0:.2f} s")
    try:
        while not stopping:
            try:
                ready, _, _ = select.select([listener], [], [], 0.5)
            except InterruptedError:
                continue
            _reap()
            if os.getppid() != agare:
                logga("bakgrundsservern är borta; stoppar")
                break
            try:
                if os.stat(os.path.join(folder, SOCKET)).st_ino != ino:
                    break  # replaced by another fork server
            except OSError:
                break
            if not ready:
                continue
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            try:
                pid_, uid, _gid = struct.unpack(SO_PEERCRED_FORMAT, conn.getsockopt(
                    socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize(SO_PEERCRED_FORMAT)))
                if uid != os.getuid():
                    logga(f"anrop från uid {uid} (process {pid_}) avvisat")
                    continue
                child = os.fork()
                if child == 0:
                    listener.close()
                    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                        signal.signal(s, signal.SIG_DFL)
                    code = 1
                    try:
                        code = _handledare(conn, own, avtryck)
                    finally:
                        os._exit(code)
            finally:
                conn.close()
        return 0
    finally:
        if os.getpid() == own:
            listener.close()
            for name in (SOCKET, STATE):
                path = os.path.join(folder, name)
                try:
                    if name == SOCKET and os.stat(path).st_ino != ino:
                        continue
                    if name == STATE:
                        with open(path) as fh:
                            if json.load(fh).get("pid") != own:
                                continue
                    os.unlink(path)
                except (OSError, ValueError):
                    pass


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def main() -> int:
    parser = argparse.ArgumentParser(prog="rapportgen.varm.server")
    parser.add_argument("--mapp", required=True)
    parser.add_argument("--agare", type=int, required=True)
    args = parser.parse_args()
    return serve(args.mapp, args.agare)


if __name__ == "__main__":
    sys.exit(main())
