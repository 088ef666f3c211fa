"""Telegram-style HTML <-> (text, entities) conversion, UTF-16 offsets like the Bot API."""

from __future__ import annotations

import html
import re

from .errors import Json

TAG_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ATTR = re.compile(r"""\s*([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{1,10});")
_COMMAND = re.compile(r"(?<![\w/@])/[a-zA-Z0-9_]{1,64}(?:@[a-zA-Z0-9_]{3,32})?(?![\w/])")


class ParseError(ValueError):
    pass


def u16len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def _boff(src: str, i: int) -> int:
    return len(src[:i].encode("utf-8"))


def _attrs(raw: str) -> dict[str, str]:
    out: dict[str, str] = {}
    pos = 0
    raw = raw.rstrip().rstrip("/")
    while pos < len(raw):
        m = _ATTR.match(raw, pos)
        if not m or m.end() == pos:
            raise ParseError("Expected equal sign in declaration of an attribute")
        val = m.group(2) or ""
        if val[:1] in "\"'":
            val = val[1:-1]
        out[m.group(1).lower()] = html.unescape(val)
        pos = m.end()
    return out


def parse_html(src: str) -> tuple[str, list[Json]]:
    """Parse Telegram HTML. Returns (plain text, entities). Raises ParseError like Telegram."""
    out: list[str] = []
    pos16 = 0
    stack: list[Json] = []
    entities: list[Json] = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == "<":
            j = src.find(">", i)
            if j < 0:
                raise ParseError(f"Unclosed start tag at byte offset {_boff(src, i)}")
            inner = src[i + 1 : j]
            if inner.startswith("/"):
                name = inner[1:].strip().lower()
                if not stack:
                    raise ParseError(f"Unexpected end tag at byte offset {_boff(src, i)}")
                top = stack.pop()
                if top["tag"] != name:
                    raise ParseError(
                        f"Unmatched end tag at byte offset {_boff(src, i)}, expected "
                        f'"</{top["tag"]}>", found "</{name}>"'
                    )
                ent = top["entity"]
                if ent is not None and pos16 > ent["offset"]:
                    ent["length"] = pos16 - ent["offset"]
                    entities.append(ent)
            else:
                m = re.match(r"([a-zA-Z][a-zA-Z0-9-]*)(.*)$", inner, re.S)
                if not m:
                    raise ParseError(f'Unsupported start tag "{inner[:16]}" at byte offset {_boff(src, i)}')
                name = m.group(1).lower()
                if name not in TAG_TYPES:
                    raise ParseError(f'Unsupported start tag "{name}" at byte offset {_boff(src, i)}')
                attrs = _attrs(m.group(2))
                ent = {"type": TAG_TYPES[name], "offset": pos16}
                if name == "span" and attrs.get("class") != "tg-spoiler":
                    raise ParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {_boff(src, i)}')
                if name == "a":
                    href = attrs.get("href", "")
                    if href.startswith("tg://user?id="):
                        ent = {
                            "type": "text_mention",
                            "offset": pos16,
                            "user": {"id": int(href.split("=", 1)[1] or 0), "is_bot": False, "first_name": ""},
                        }
                    elif href:
                        ent["url"] = href
                    else:
                        ent = None
                elif name == "tg-emoji":
                    ent["custom_emoji_id"] = attrs.get("emoji-id", "")
                elif name == "blockquote" and "expandable" in attrs:
                    ent["type"] = "expandable_blockquote"
                elif (
                    name == "code"
                    and stack
                    and stack[-1]["tag"] == "pre"
                    and attrs.get("class", "").startswith("language-")
                    and stack[-1]["entity"] is not None
                ):
                    stack[-1]["entity"]["language"] = attrs["class"][len("language-") :]
                    ent = None
                stack.append({"tag": name, "entity": ent})
            i = j + 1
        elif c == "&":
            m = _ENTITY.match(src, i)
            if not m:
                raise ParseError(f"Character entity expected at byte offset {_boff(src, i)}")
            body = m.group(1)
            if body.startswith("#"):
                try:
                    cp = int(body[2:], 16) if body[1] in "xX" else int(body[1:])
                    ch = chr(cp)
                except (ValueError, OverflowError) as e:
                    raise ParseError(f"Wrong character entity at byte offset {_boff(src, i)}") from e
            elif body.lower() in NAMED:
                ch = NAMED[body.lower()]
            else:
                raise ParseError(f'Unsupported HTML entity "&{body};" at byte offset {_boff(src, i)}')
            out.append(ch)
            pos16 += u16len(ch)
            i = m.end()
        else:
            out.append(c)
            pos16 += 2 if ord(c) > 0xFFFF else 1
            i += 1
    if stack:
        raise ParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1]["tag"]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


_OPEN = {
    "bold": "<b>",
    "italic": "<i>",
    "underline": "<u>",
    "strikethrough": "<s>",
    "spoiler": "<tg-spoiler>",
    "code": "<code>",
    "blockquote": "<blockquote>",
    "expandable_blockquote": "<blockquote expandable>",
}
_CLOSE = {
    "bold": "</b>",
    "italic": "</i>",
    "underline": "</u>",
    "strikethrough": "</s>",
    "spoiler": "</tg-spoiler>",
    "code": "</code>",
    "blockquote": "</blockquote>",
    "expandable_blockquote": "</blockquote>",
}


def _tags(e: Json) -> tuple[str, str] | None:
    t = e.get("type")
    if t in _OPEN:
        return _OPEN[t], _CLOSE[t]
    if t == "text_link":
        return f'<a href="{html.escape(e.get("url", ""), quote=True)}">', "</a>"
    if t == "url":
        return None  # the UI links plain URLs itself if it wants
    if t == "pre":
        lang = e.get("language")
        if lang:
            return f'<pre><code class="language-{html.escape(lang, quote=True)}">', "</code></pre>"
        return "<pre>", "</pre>"
    if t == "custom_emoji":
        return f'<tg-emoji emoji-id="{html.escape(e.get("custom_emoji_id", ""))}">', "</tg-emoji>"
    return None


def entities_to_html(text: str, entities: list[Json] | None) -> str:
    """Render text + entities as safe Telegram HTML (everything else escaped)."""
    opens: dict[int, list[tuple[int, str]]] = {}
    closes: dict[int, list[tuple[int, str]]] = {}
    for k, e in enumerate(sorted(entities or [], key=lambda e: (e["offset"], -e["length"]))):
        tags = _tags(e)
        if not tags:
            continue
        opens.setdefault(e["offset"], []).append((k, tags[0]))
        closes.setdefault(e["offset"] + e["length"], []).insert(0, (k, tags[1]))
    out: list[str] = []
    pos = 0
    for ch in text:
        out.extend(tag for _, tag in closes.get(pos, []))
        out.extend(tag for _, tag in opens.get(pos, []))
        out.append(html.escape(ch, quote=False))
        pos += 2 if ord(ch) > 0xFFFF else 1
    out.extend(tag for _, tag in closes.get(pos, []))
    return "".join(out)


def command_entities(text: str) -> list[Json]:
    """bot_command entities like Telegram computes them for user messages."""
    ents = []
    for m in _COMMAND.finditer(text):
        ents.append({"type": "bot_command", "offset": u16len(text[: m.start()]), "length": u16len(m.group(0))})
    return ents
