"""Backups, encrypted to the operator's age public key (HAMSADA_BACKUP_RECIPIENT).

A backup is the database only, as one tar file encrypted with age: the
instance can write it but never read it back; only the operator's identity
(kept off the server) can. The keys are not in it: the encryption key
(HAMSADA_ENCRYPTION_KEY) is kept apart, so that a stolen backup reveals no
address, and without it a restored database counts and lists names but can
send no email. `age -d -i identity.txt backup.tar.age | tar x` opens one
by hand.
"""

import io
import json
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

import pyrage
from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

DUMP = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}


def recipient():
    key = settings.BACKUP_RECIPIENT
    if not key:
        raise ValueError("HAMSADA_BACKUP_RECIPIENT is not set: no backup is written unencrypted")
    try:
        return pyrage.x25519.Recipient.from_str(key)
    except pyrage.RecipientError:
        raise ValueError("HAMSADA_BACKUP_RECIPIENT is not an age public key (age1…)") from None


def pg_arguments():
    config = connection.settings_dict
    arguments = ["-h", config["HOST"] or "127.0.0.1", "-p", str(config["PORT"] or 5432)]
    if config["USER"]:
        arguments += ["-U", config["USER"]]
    return arguments, {"PGPASSWORD": config["PASSWORD"] or ""}


def dump_database(path):
    if connection.vendor == "postgresql":
        arguments, secret = pg_arguments()
        subprocess.run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                *arguments,
                "-f",
                str(path),
                connection.settings_dict["NAME"],
            ],
            check=True,
            env={"PATH": "/usr/bin:/bin", **secret},
        )
    else:
        connection.ensure_connection()
        target = sqlite3.connect(path)
        with target:
            connection.connection.backup(target)  # consistent while others write
        target.close()


def write_backup(folder, now, keep):
    """Writes one encrypted backup into folder, keeps the newest `keep` there,
    and returns its path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    to = recipient()
    name = f"hamsada-{now:%Y%m%d-%H%M%S}.tar.age"
    with tempfile.TemporaryDirectory(dir=folder) as scratch:
        scratch = Path(scratch)
        dump = scratch / DUMP[connection.vendor]
        dump_database(dump)
        manifest = {
            "made": now.isoformat(timespec="seconds"),
            "database": connection.vendor,
            "migrations": sorted(
                f"{app}.{name}"
                for app, name in MigrationRecorder.Migration.objects.values_list("app", "name")
            ),
        }
        archive = scratch / "backup.tar"
        with tarfile.open(archive, "w") as tar:
            tar.add(dump, arcname=dump.name)
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        pyrage.encrypt_file(str(archive), str(scratch / name), [to])
        (scratch / name).rename(folder / name)
    for old in sorted(folder.glob("hamsada-*.tar.age"))[:-keep] if keep > 0 else []:
        old.unlink()
    return folder / name


def restore_backup(path, identity_file):
    """Replaces this instance's database with the backup's. Returns the manifest."""
    identities = [
        pyrage.x25519.Identity.from_str(line.strip())
        for line in Path(identity_file).read_text().splitlines()
        if line.strip().startswith("AGE-SECRET-KEY-")
    ]
    if not identities:
        raise ValueError(f"{identity_file} holds no age identity (AGE-SECRET-KEY-…)")
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        try:
            pyrage.decrypt_file(str(path), str(scratch / "backup.tar"), identities)
        except pyrage.DecryptError:
            raise ValueError("this identity cannot open this backup") from None
        with tarfile.open(scratch / "backup.tar") as tar:
            tar.extractall(scratch, filter="data")
        manifest = json.loads((scratch / "manifest.json").read_text())
        if manifest["database"] != connection.vendor:
            raise ValueError(
                f"a {manifest['database']} backup cannot be restored into {connection.vendor}"
            )
        dump = scratch / DUMP[connection.vendor]
        if connection.vendor == "postgresql":
            arguments, secret = pg_arguments()
            connection.close()
            subprocess.run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    *arguments,
                    "-d",
                    connection.settings_dict["NAME"],
                    str(dump),
                ],
                check=True,
                env={"PATH": "/usr/bin:/bin", **secret},
            )
        else:
            source = sqlite3.connect(dump)
            connection.ensure_connection()
            with source:
                source.backup(connection.connection)
            source.close()
    return manifest
