"""Encryption at rest: AES-256-GCM with a key ring (no Django here; the fields use it).

A value is stored as ``v1:<key id>:<base64(nonce + ciphertext + tag)>``. The key id says which
key of the ring encrypted it, so old values still read after a new key becomes current (and
``kith manage rotate_keys`` re-encrypts them). The *associated data* is the value's place,
``<table>.<column>``: GCM authenticates it with the ciphertext, so a value copied into another
column (or another table) fails to decrypt instead of showing up somewhere it does not belong.

The ring comes from ``KITH_ENCRYPTION_KEYS`` (``id:base64key,id:base64key``, first = current)
or from a JSON key file (``{"keys": [{"id": ..., "key": base64}, ...]}``, first = current),
made with a fresh key and mode 0600 on first use.

Error messages name the key id, the column and the file or variable at fault, never a key or
any plaintext.

>>> ring = KeyRing({"k1": bytes(32)})
>>> token = ring.encrypt("Rowan T.", "people_person.display_name")
>>> token.startswith("v1:k1:")
True
>>> ring.decrypt(token, "people_person.display_name")
'Rowan T.'
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = "v1"
KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # the GCM standard nonce; random per value (2^32 values per key is far off)
TAG_BYTES = 16
KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


class EncryptionError(Exception):
    """Something is wrong with a key or an encrypted value (the message carries no secrets)."""


class KeyConfigError(EncryptionError):
    """The key ring could not be read: a bad variable, a bad key file, a key of the wrong size."""


class UnknownKeyError(EncryptionError):
    """A value was encrypted with a key that is not in the ring."""


class DecryptionError(EncryptionError):
    """A value is not a Kith ciphertext, or fails its integrity check (changed or moved)."""


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def new_key_id() -> str:
    return "k" + secrets.token_hex(4)


def encode_key(key: bytes) -> str:
    return base64.b64encode(key).decode("ascii")


def is_ciphertext(value: str) -> bool:
    """Whether ``value`` looks like a Kith ciphertext (not whether it decrypts)."""
    return value.startswith(VERSION + ":") and value.count(":") >= 2


def key_id_of(token: str) -> str:
    """The id of the key that encrypted ``token``."""
    parts = token.split(":", 2)
    if len(parts) != 3 or parts[0] != VERSION:
        raise DecryptionError(f"not a Kith ciphertext (expected {VERSION}:<key id>:<data>)")
    return parts[1]


class KeyRing:
    """Keys by id, the first one current (used for every new value)."""

    def __init__(self, keys: Mapping[str, bytes], source: str = "the key ring") -> None:
        if not keys:
            raise KeyConfigError(f"{source}: no keys")
        for key_id, key in keys.items():
            if not KEY_ID.match(key_id):
                raise KeyConfigError(
                    f"{source}: key id {key_id!r} must be 1-40 letters, digits, '-' or '_'"
                )
            if len(key) != KEY_BYTES:
                raise KeyConfigError(
                    f"{source}: key {key_id!r} is {len(key)} bytes; AES-256 needs {KEY_BYTES}"
                )
        self.source = source
        self._keys = {key_id: AESGCM(key) for key_id, key in keys.items()}
        self.current_id = next(iter(keys))

    @property
    def key_ids(self) -> list[str]:
        return list(self._keys)

    def encrypt(self, plaintext: str, context: str) -> str:
        """``plaintext`` encrypted with the current key, bound to ``context`` (``table.column``)."""
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = self._keys[self.current_id].encrypt(
            nonce, plaintext.encode("utf-8"), context.encode("utf-8")
        )
        data = base64.b64encode(nonce + sealed).decode("ascii")
        return f"{VERSION}:{self.current_id}:{data}"

    def decrypt(self, token: str, context: str) -> str:
        """The plaintext of ``token``, which must have been encrypted for ``context``."""
        key_id = key_id_of(token)
        aead = self._keys.get(key_id)
        if aead is None:
            raise UnknownKeyError(
                f"{context}: value encrypted with key {key_id!r}, which is not in {self.source} "
                f"(known: {', '.join(self._keys)}); restore that key to read it"
            )
        try:
            raw = base64.b64decode(token.split(":", 2)[2], validate=True)
        except (binascii.Error, ValueError):
            raise DecryptionError(f"{context}: encrypted value is not valid base64") from None
        if len(raw) < NONCE_BYTES + TAG_BYTES:
            raise DecryptionError(f"{context}: encrypted value is too short")
        try:
            plain = aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode("utf-8"))
        except InvalidTag:
            raise DecryptionError(
                f"{context}: encrypted value fails its integrity check: it was changed outside "
                f"Kith, copied from another column, or key {key_id!r} is not the key that "
                "encrypted it"
            ) from None
        return plain.decode("utf-8")

    def needs_rotation(self, token: str) -> bool:
        return key_id_of(token) != self.current_id


def _decode_key(text: str, where: str, key_id: str) -> bytes:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise KeyConfigError(f"{where}: key {key_id!r} is not valid base64") from None


def parse_key_list(text: str, source: str = "KITH_ENCRYPTION_KEYS") -> KeyRing:
    """A ring from ``id:base64key,id:base64key`` (first = current)."""
    keys: dict[str, bytes] = {}
    for number, entry in enumerate((e.strip() for e in text.split(",")), start=1):
        if not entry:
            continue
        key_id, sep, encoded = entry.partition(":")
        key_id = key_id.strip()
        if not sep or not key_id:
            raise KeyConfigError(f"{source}: entry {number}: expected <key id>:<base64 key>")
        if key_id in keys:
            raise KeyConfigError(f"{source}: entry {number}: key id {key_id!r} appears twice")
        keys[key_id] = _decode_key(encoded, f"{source}: entry {number}", key_id)
    return KeyRing(keys, source)


def read_key_file(path: Path) -> KeyRing:
    """A ring from a JSON key file: ``{"keys": [{"id": "k1", "key": "<base64>"}, ...]}``."""
    source = f"key file {path}"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise KeyConfigError(f"{source}: cannot be read ({type(error).__name__})") from None
    except json.JSONDecodeError as error:
        raise KeyConfigError(f"{source}: line {error.lineno}: not valid JSON") from None
    entries = data.get("keys") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise KeyConfigError(f'{source}: expected {{"keys": [{{"id": ..., "key": ...}}, ...]}}')
    keys: dict[str, bytes] = {}
    for number, entry in enumerate(entries, start=1):
        where = f"{source}: keys[{number}]"
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("id"), str)
            and isinstance(entry.get("key"), str)
        ):
            raise KeyConfigError(f'{where}: expected {{"id": "<key id>", "key": "<base64>"}}')
        if entry["id"] in keys:
            raise KeyConfigError(f"{where}: key id {entry['id']!r} appears twice")
        keys[entry["id"]] = _decode_key(entry["key"], where, entry["id"])
    return KeyRing(keys, source)


def _write_private(path: Path, keys: Mapping[str, bytes]) -> Path:
    """A new file beside ``path`` (mode 0600) holding ``keys``; the caller moves it in place."""
    body = json.dumps(
        {"keys": [{"id": key_id, "key": encode_key(key)} for key_id, key in keys.items()]},
        indent=2,
    )
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(body + "\n")
    return temporary


def write_key_file(path: Path, keys: Mapping[str, bytes]) -> None:
    """Write ``keys`` (first = current) to ``path`` with mode 0600, replacing it atomically."""
    os.replace(_write_private(path, keys), path)


def load_keyring(keys_variable: str, key_file: Path) -> KeyRing:
    """The ring from ``KITH_ENCRYPTION_KEYS`` when set, else from ``key_file``.

    A missing key file is made with one fresh key (mode 0600), as the secret key is, so a
    local ``make run`` needs no setup.
    """
    if keys_variable.strip():
        return parse_key_list(keys_variable)
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = _write_private(key_file, {new_key_id(): new_key()})
        try:
            # link() never replaces: when two processes start at once, the first key file wins.
            os.link(temporary, key_file)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return read_key_file(key_file)


def add_key_to_file(path: Path) -> str:
    """Put a fresh key first (current) in the key file at ``path``, keeping the others; its id.

    The file is made if missing, checked as :func:`read_key_file` does, and replaced
    atomically (mode 0600).
    """
    ring = load_keyring("", path)
    data = json.loads(path.read_text(encoding="utf-8"))
    keys = {
        entry["id"]: _decode_key(entry["key"], str(path), entry["id"]) for entry in data["keys"]
    }
    key_id = new_key_id()
    while key_id in ring.key_ids:
        key_id = new_key_id()
    write_key_file(path, {key_id: new_key(), **keys})
    return key_id
