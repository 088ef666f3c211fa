"""Uploaded files: keep the bytes, hand out file ids and paths, build PhotoSize/Document."""

from __future__ import annotations

import mimetypes
import secrets
import struct

from .errors import Json, bad
from .world import World


def image_size(data: bytes) -> tuple[int, int]:
    try:
        if data[:8] == b"\x89PNG\r\n\x1a\n":
            return struct.unpack(">II", data[16:24])
        if data[:6] in (b"GIF87a", b"GIF89a"):
            return struct.unpack("<HH", data[6:10])
        if data[:2] == b"\xff\xd8":
            i = 2
            while i < len(data) - 9:
                if data[i] != 0xFF:
                    i += 1
                    continue
                marker = data[i + 1]
                length = struct.unpack(">H", data[i + 2 : i + 4])[0]
                if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                    h, w = struct.unpack(">HH", data[i + 5 : i + 9])
                    return w, h
                i += 2 + length
    except struct.error:
        pass
    return 320, 320


def store_file(state: World, data: bytes, name: str | None, mime: str | None, kind: str) -> str:
    n = len(state.files) + 1
    fid = f"SBX{kind[:3].upper()}{n}_{secrets.token_urlsafe(12)}"
    name = name or f"file_{n}"
    mime = mime or mimetypes.guess_type(name)[0] or "application/octet-stream"
    ext = mimetypes.guess_extension(mime) or ""
    if "." in name:
        ext = "." + name.rsplit(".", 1)[1]
    path = f"{kind}s/file_{n}{ext}"
    state.files[fid] = {
        "data": data,
        "name": name,
        "mime": mime,
        "size": len(data),
        "path": path,
        "unique": f"U{n}{secrets.token_hex(4)}",
        "kind": kind,
    }
    state.file_paths[path] = fid
    return fid


async def file_param(state: World, params: Json, kind: str) -> tuple[str | None, str | None]:
    """-> (file_id, external_url). Accepts an upload, attach://name, a file_id or an URL."""
    v = params.get(kind)
    if isinstance(v, str) and v.startswith("attach://"):
        v = params.get(v[len("attach://") :])
    if v is None or v == "":
        raise bad(f"there is no {kind} in the request")
    if hasattr(v, "file"):  # aiohttp FileField
        data = v.file.read()
        if not data:
            raise bad("file must be non-empty")
        return store_file(state, data, v.filename, v.content_type, kind), None
    if isinstance(v, str):
        if v in state.files:
            return v, None
        if v.startswith(("http://", "https://")):
            return None, v
    raise bad("wrong file identifier/HTTP URL specified")


def media_fields(state: World, kind: str, fid: str | None, external: str | None) -> Json:
    f: Json
    if fid is None:  # external URL: we don't fetch it
        assert external is not None  # file_param gives one or the other
        fid = f"SBXURL_{secrets.token_urlsafe(12)}"
        f = {
            "size": 0,
            "unique": secrets.token_hex(6),
            "name": external.rsplit("/", 1)[-1],
            "mime": mimetypes.guess_type(external)[0] or "application/octet-stream",
            "data": b"",
        }
    else:
        f = state.files[fid]
    if kind == "photo":
        w, h = image_size(f["data"])
        big = {"file_id": fid, "file_unique_id": f["unique"], "width": w, "height": h, "file_size": f["size"]}
        scale = max(w, h) / 90 if max(w, h) > 90 else 1
        small = {**big, "width": max(1, int(w / scale)), "height": max(1, int(h / scale))}
        return {"photo": [small, big] if scale > 1 else [big]}
    return {
        "document": {
            "file_id": fid,
            "file_unique_id": f["unique"],
            "file_name": f["name"],
            "mime_type": f["mime"],
            "file_size": f["size"],
        }
    }


def get_file(state: World, file_id: str) -> Json:
    f = state.files.get(file_id)
    if f is None:
        raise bad("invalid file_id")
    return {"file_id": file_id, "file_unique_id": f["unique"], "file_size": f["size"], "file_path": f["path"]}
