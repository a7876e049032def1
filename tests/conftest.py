"""Shared fixtures: isolated paths, SQLite files and a throwaway PostgreSQL cluster.

Expensive databases are made once per test run and backend and copied per test: the migrated
empty schema (Alembic runs once, not per test) and the demo city. SQLite copies the file,
PostgreSQL creates the database from a template database. Tests that prove migrations work
start from ``db_url`` (an empty database) and run Alembic themselves.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar, cast

import psycopg
import pytest
from psycopg import sql
from support.collector import _long_lived_frozen, pytest_collection_finish  # noqa: F401

from koordination.db.engine import Database
from koordination.db.migrations import upgrade
from koordination.demo.city import build_demo

REQUIRE_POSTGRES = "KOORDINATION_REQUIRE_POSTGRES"
T = TypeVar("T")
PG_USER = "postgres"


@pytest.fixture(autouse=True)
def _isolated_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test ever reads or writes the user's real data, config or exports folder."""
    monkeypatch.setenv("KOORDINATION_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KOORDINATION_CONFIG", str(tmp_path / "config" / "config.toml"))
    monkeypatch.setenv("KOORDINATION_EXPORTS", str(tmp_path / "exports"))
    monkeypatch.delenv("KOORDINATION_DB", raising=False)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """The URL of a SQLite file that does not exist yet."""
    return f"sqlite:///{tmp_path / 'koordination.sqlite3'}"


# --- PostgreSQL ------------------------------------------------------------------------------


def _pg_bindir() -> Path | None:
    """The folder holding initdb/pg_ctl: ``KOORDINATION_PG_BINDIR`` if set (only that one), else
    pg_config's bindir, the newest Debian cluster, PATH."""
    chosen = os.environ.get("KOORDINATION_PG_BINDIR")
    if chosen:
        folder = Path(chosen)
        return folder if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file() else None
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        result = subprocess.run(
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        )
        if result.returncode == 0 and result.stdout.strip():
            candidates.append(Path(result.stdout.strip()))

    def version(path: Path) -> tuple[int, ...]:
        try:
            return tuple(int(p) for p in path.parent.name.split("."))
        except ValueError:
            return (0,)

    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: version(p / "x"))
    candidates.extend(reversed(debian))
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)
    for bindir in candidates:
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            return bindir
    return None


#: A memory file system is used for the test server's files when it has this much room.
MEMORY_FOLDER_ROOM = 2 * 1024**3


def _memory_folder() -> str | None:
    """/dev/shm when it is a memory file system with room, else None (the usual temporary
    folder). On a disk every new database of the test server (one per test) cost ~0.1 s of the
    kernel's CPU for its few hundred files; in memory a tenth of that. The server's files are
    thrown away with it (it runs without fsync)."""
    folder = Path("/dev/shm")
    try:
        if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
            return None
        if shutil.disk_usage(folder).free < MEMORY_FOLDER_ROOM:
            return None
        with open("/proc/mounts", encoding="utf-8") as mounts:
            kinds = {line.split()[1]: line.split()[2] for line in mounts if line.count(" ") >= 2}
    except OSError:
        return None
    return str(folder) if kinds.get(str(folder)) == "tmpfs" else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class PgCluster:
    bindir: Path
    datadir: Path
    port: int
    #: ``server_version_num`` (150018 for 15.18), known once the server runs.
    version: int = 0

    @property
    def base_url(self) -> str:
        return f"postgresql+psycopg://{PG_USER}@127.0.0.1:{self.port}/"

    def conninfo(self, dbname: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user={PG_USER} dbname={dbname}"


def _as_cluster_owner(args: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root; run them as the unprivileged postgres user.
    if os.geteuid() == 0:
        return ["runuser", "-u", PG_USER, "--", *args]
    return args


def _run(args: list[str], what: str) -> None:
    result = subprocess.run(
        _as_cluster_owner(args), capture_output=True, text=True, check=False, cwd="/"
    )
    if result.returncode != 0:
        raise RuntimeError(f"{what} failed ({result.returncode}):\n{result.stdout}{result.stderr}")


def _no_postgres(reason: str) -> None:
    message = (
        f"PostgreSQL-Server-Programme nicht gefunden ({reason}). Die Tests laufen gegen einen "
        "echten PostgreSQL-Server: bitte installieren (Debian/Ubuntu: sudo apt-get install "
        "postgresql; macOS: brew install postgresql) oder .ci/run ausführen, das sie einrichtet."
    )
    if os.environ.get(REQUIRE_POSTGRES, "1") != "0":
        pytest.fail(message + f" Nur ohne PostgreSQL prüfen: {REQUIRE_POSTGRES}=0.", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """A PostgreSQL server of its own on 127.0.0.1, for the whole test session."""
    bindir = _pg_bindir()
    if bindir is None:
        _no_postgres("weder pg_config --bindir noch /usr/lib/postgresql/*/bin noch PATH")
    assert bindir is not None
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam(PG_USER)
        except KeyError:
            _no_postgres(f"als root wird der Benutzer „{PG_USER}“ gebraucht, er fehlt")
        if shutil.which("runuser") is None:
            _no_postgres("als root wird runuser gebraucht, es fehlt")

    # Not under pytest's tmp_path: that lives in a root-only folder the postgres user cannot enter.
    root = Path(tempfile.mkdtemp(prefix="koordination-pg-", dir=_memory_folder()))
    if os.geteuid() == 0:
        os.chown(root, owner.pw_uid, owner.pw_gid)
    datadir = root / "data"
    logfile = root / "server.log"
    port = _free_port()
    cluster = PgCluster(bindir=bindir, datadir=datadir, port=port)
    started = False
    try:
        _initdb(bindir, datadir)
        options = (
            f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_wal_size=256MB "
            "-c min_wal_size=32MB"
        )
        _run(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(datadir),
                "-l",
                str(logfile),
                "-w",
                "-t",
                "60",
                "-o",
                options,
                "start",
            ],
            "pg_ctl start",
        )
        started = True
        cluster = replace(cluster, version=_wait_ready(cluster))
    except (RuntimeError, psycopg.OperationalError) as exc:
        log = logfile.read_text(errors="replace") if logfile.exists() else ""
        _stop(cluster, root, started)
        pytest.fail(f"PostgreSQL-Testserver startet nicht: {exc}\n{log}", pytrace=False)
    try:
        yield cluster
    finally:
        _stop(cluster, root, started)


def _initdb(bindir: Path, datadir: Path) -> None:
    args = [str(bindir / "initdb"), "-D", str(datadir), "-A", "trust", "-U", PG_USER]
    args += ["--no-sync", "-E", "UTF8"]
    try:
        _run([*args, "--locale=C.UTF-8"], "initdb")
    except RuntimeError:
        # Older C libraries lack the C.UTF-8 locale; plain C sorts the same for our tests.
        shutil.rmtree(datadir, ignore_errors=True)
        _run([*args, "--locale=C"], "initdb")


def _stop(cluster: PgCluster, root: Path, started: bool) -> None:
    if started:
        subprocess.run(
            _as_cluster_owner(
                [
                    str(cluster.bindir / "pg_ctl"),
                    "-D",
                    str(cluster.datadir),
                    "-m",
                    "immediate",
                    "stop",
                ]
            ),
            capture_output=True,
            check=False,
            cwd="/",
        )
    shutil.rmtree(root, ignore_errors=True)


def _wait_ready(cluster: PgCluster) -> int:
    """Wait until the server answers; its ``server_version_num``."""
    deadline = time.monotonic() + 30
    while True:
        try:
            with psycopg.connect(cluster.conninfo(), connect_timeout=2) as conn:
                return conn.info.server_version
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _create_database(cluster: PgCluster, name: str, template: str | None = None) -> None:
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template is not None:
        statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        if cluster.version >= 150000:
            # The files copied as they are: since 15 the default writes every page of the
            # template into the write-ahead log (a copy per test, megabytes each).
            statement += sql.SQL(" STRATEGY FILE_COPY")
    with psycopg.connect(cluster.conninfo(), autocommit=True) as conn:
        conn.execute(statement)


def _drop_database(cluster: PgCluster, name: str) -> None:
    with psycopg.connect(cluster.conninfo(), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture
def pg_url(pg_cluster: PgCluster) -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL database, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex}"
    _create_database(pg_cluster, name)
    yield pg_cluster.base_url + name
    _drop_database(pg_cluster, name)


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def backend(request: pytest.FixtureRequest) -> str:
    """``sqlite`` or ``postgresql``: data-layer tests run on both."""
    return str(request.param)


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest) -> str:
    """A fresh empty database on each backend."""
    return str(request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url"))


# --- databases made once per run and copied ---------------------------------------------------


def _sqlite_path(url: str) -> Path:
    prefix = "sqlite:///"
    assert url.startswith(prefix), url
    return Path(url.removeprefix(prefix))


def _checkpoint(path: Path) -> None:
    """Fold the write-ahead log into the file, so copying the one file copies everything."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    Path(f"{path}-wal").unlink(missing_ok=True)
    Path(f"{path}-shm").unlink(missing_ok=True)


def copy_sqlite(template: Path, target: Path) -> Path:
    """A private copy of a template SQLite file (its mode, 0600, comes along)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(template, target)
    return target


def _isolated_environment(folder: Path) -> pytest.MonkeyPatch:
    """The same isolation as ``_isolated_paths``, for session fixtures that run the program."""
    patch = pytest.MonkeyPatch()
    patch.setenv("KOORDINATION_DATA_DIR", str(folder / "data"))
    patch.setenv("KOORDINATION_CONFIG", str(folder / "config" / "config.toml"))
    patch.setenv("KOORDINATION_EXPORTS", str(folder / "exports"))
    patch.delenv("KOORDINATION_DB", raising=False)
    return patch


@dataclass
class Templates:
    """The databases every test would otherwise build again, each made on first use."""

    folder: Path
    request: pytest.FixtureRequest
    _sqlite: dict[str, Path] = field(default_factory=dict)
    _postgres: dict[str, str] = field(default_factory=dict)
    _built: dict[tuple[str, str], Any] = field(default_factory=dict)

    def sqlite(self, kind: str) -> Path:
        """A template SQLite file: ``migrated`` (empty, newest schema), ``demo`` (the demo
        city as ``build_demo`` writes it) or ``cli-demo`` (as ``koordination demo`` writes it)."""
        if kind not in self._sqlite:
            path = self.folder / f"{kind}.sqlite3"
            if kind == "cli-demo":
                self._run_demo_command(path)
            else:
                database = Database(f"sqlite:///{path}")
                try:
                    upgrade(database)
                    if kind == "demo":
                        build_demo(database)
                finally:
                    database.dispose()
            _checkpoint(path)
            self._sqlite[kind] = path
        return self._sqlite[kind]

    def _run_demo_command(self, path: Path) -> None:
        from koordination.cli.main import main

        patch = _isolated_environment(self.folder / "cli-demo-home")
        try:
            assert main(["--db", str(path), "demo"]) == 0
        finally:
            patch.undo()

    def postgres(self, kind: str) -> str:
        """The name of a template database on the test cluster: ``migrated`` or ``demo``."""
        if kind not in self._postgres:
            cluster: PgCluster = self.request.getfixturevalue("pg_cluster")
            name = f"template_{kind}_{uuid.uuid4().hex[:8]}"
            _create_database(cluster, name)
            # A template must have no open connection while it is copied: dispose the engine.
            database = Database(cluster.base_url + name)
            try:
                upgrade(database)
                if kind == "demo":
                    build_demo(database)
            finally:
                database.dispose()
            self._postgres[kind] = name
        return self._postgres[kind]

    def build(
        self, backend: str, kind: str, build: Callable[[Database], T], on: str = "migrated"
    ) -> T:
        """The template ``kind``: a copy of ``on`` (``migrated`` or ``demo``) on which ``build``
        ran, once per run and backend; returns what ``build`` returned then."""
        if (backend, kind) not in self._built:
            if backend == "sqlite":
                path = self.folder / f"built-{len(self._built)}.sqlite3"
                copy_sqlite(self.sqlite(on), path)
                url = f"sqlite:///{path}"
            else:
                cluster: PgCluster = self.request.getfixturevalue("pg_cluster")
                name = f"template_built_{uuid.uuid4().hex[:8]}"
                _create_database(cluster, name, template=self.postgres(on))
                url = cluster.base_url + name
            database = Database(url)
            try:
                result = build(database)
            finally:
                database.dispose()
            if backend == "sqlite":
                _checkpoint(path)
                self._sqlite[kind] = path
            else:
                self._postgres[kind] = name
            self._built[(backend, kind)] = result
        return cast(T, self._built[(backend, kind)])

    def fill(self, url: str, kind: str) -> None:
        """Make the (empty or missing) database at ``url`` a copy of the template ``kind``."""
        if url.startswith("sqlite:"):
            path = _sqlite_path(url)
            for leftover in (Path(f"{path}-wal"), Path(f"{path}-shm")):
                leftover.unlink(missing_ok=True)
            copy_sqlite(self.sqlite(kind), path)
            return
        cluster: PgCluster = self.request.getfixturevalue("pg_cluster")
        name = url.rsplit("/", 1)[1]
        template = self.postgres(kind)
        _drop_database(cluster, name)
        _create_database(cluster, name, template=template)


@pytest.fixture(scope="session")
def templates(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Templates:
    """Databases built once per test run and backend, copied by the fixtures below."""
    return Templates(folder=tmp_path_factory.mktemp("templates"), request=request)


def _copy_url(request: pytest.FixtureRequest, backend: str, templates: Templates, kind: str) -> str:
    """The URL of a fresh copy of the template ``kind``: at ``db_url`` when the test asks for
    that too; else, on PostgreSQL, a database created straight from the template (not first
    created empty for ``db_url`` and dropped again: a third of a PostgreSQL test's setup)."""
    if backend == "sqlite" or "db_url" in request.fixturenames:
        url = str(request.getfixturevalue("db_url"))
        templates.fill(url, kind)
        return url
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    name = f"t_{uuid.uuid4().hex}"
    _create_database(cluster, name, template=templates.postgres(kind))
    request.addfinalizer(lambda: _drop_database(cluster, name))
    return cluster.base_url + name


@pytest.fixture
def db(backend: str, templates: Templates, request: pytest.FixtureRequest) -> Iterator[Database]:
    """A database at the newest schema, on each backend (a copy of one migrated once)."""
    database = Database(_copy_url(request, backend, templates, "migrated"))
    yield database
    database.dispose()


@pytest.fixture
def demo_city(
    backend: str, templates: Templates, request: pytest.FixtureRequest
) -> Iterator[Database]:
    """The demo city (``build_demo``) on each backend, a copy of one built once per run."""
    database = Database(_copy_url(request, backend, templates, "demo"))
    yield database
    database.dispose()


@pytest.fixture
def built_db(
    backend: str, templates: Templates, request: pytest.FixtureRequest
) -> Iterator[Callable[[Callable[[Database], T]], tuple[Database, T]]]:
    """A test module's own setup, run once per run and backend and copied per test like the demo
    city: ``db, city = built_db(build_city)`` gives a fresh copy of the database ``build_city``
    wrote (on a migrated one; ``built_db(build, on="demo")``: on the demo city) and what it
    returned then. ``build`` returns plain data (ids are
    the same in every copy) and the clocks it wrote with, never services bound to its database:
    a test on a fresh ``Clock.on(day)`` would live before what the build recorded (a consent
    given later than now is no consent). One copy per test, not with ``db`` or ``demo_city``."""
    assert not {"db", "demo_city"} & set(request.fixturenames), "built_db or db, not both"
    opened: list[Database] = []

    def make(build: Callable[[Database], T], on: str = "migrated") -> tuple[Database, T]:
        assert not opened, "one built_db per test"
        kind = f"{build.__module__}.{build.__qualname__}@{on}"
        result = templates.build(backend, kind, build, on)
        opened.append(Database(_copy_url(request, backend, templates, kind)))
        return opened[0], result

    yield make
    for database in opened:
        database.dispose()


@pytest.fixture
def migrated_sqlite(tmp_path: Path, templates: Templates) -> Callable[..., Path]:
    """Makes SQLite files at the newest schema in ``tmp_path``: ``migrated_sqlite("x.sqlite3")``
    gives the path of a fresh copy, as ``upgrade(Database(...))`` would have left it."""

    def make(name: str = "koordination.sqlite3") -> Path:
        return copy_sqlite(templates.sqlite("migrated"), tmp_path / name)

    return make


@pytest.fixture
def built_sqlite(tmp_path: Path, templates: Templates) -> Callable[..., Path]:
    """Makes SQLite files holding what a module's setup wrote on a migrated database, built
    once per run and copied like the demo city: ``built_sqlite(build_city, "x.sqlite3")`` gives
    the path of a fresh copy in ``tmp_path``. ``build`` returns nothing the copies need."""

    def make(build: Callable[[Database], object], name: str = "koordination.sqlite3") -> Path:
        kind = f"{build.__module__}.{build.__qualname__}@migrated"
        templates.build("sqlite", kind, build)
        return copy_sqlite(templates.sqlite(kind), tmp_path / name)

    return make


@pytest.fixture
def demo_sqlite(tmp_path: Path, templates: Templates) -> Callable[..., Path]:
    """Makes SQLite files holding the demo city in ``tmp_path``. ``demo_sqlite()`` is the city
    as ``koordination --db FILE demo`` writes it (for command-line tests);
    ``demo_sqlite(built="build_demo")`` as ``build_demo`` on a migrated database writes it."""

    def make(name: str = "demo.sqlite3", *, built: str = "cli") -> Path:
        kind = {"cli": "cli-demo", "build_demo": "demo"}[built]
        return copy_sqlite(templates.sqlite(kind), tmp_path / name)

    return make
