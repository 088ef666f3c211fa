"use strict";
// Redvest sandbox chat UI: plain JS, talks to /sandbox/api/.
const API = "/sandbox/api/";
const $ = (id) => document.getElementById(id);
const S = { bot: null, users: [], chats: [], me: null, chat: null, msgs: new Map(), seq: 0,
  pressed: new Set(), usedKeyboards: new Set(), replyTo: null };

async function api(path, body) {
  const opt = body === undefined ? {} : { method: "POST", body: JSON.stringify(body),
    headers: { "Content-Type": "application/json" } };
  const r = await fetch(API + path, opt);
  const data = await r.json();
  if (!r.ok) throw new Error(data.error || r.statusText);
  return data;
}
function status(t) { $("status").textContent = t || ""; }
function toast(text, alertIt) {
  if (alertIt) { alert(text); return; }
  const t = $("toast"); t.textContent = text; t.hidden = false;
  clearTimeout(toast.timer); toast.timer = setTimeout(() => { t.hidden = true; }, 2500);
}
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

// ---- safe rendering of Telegram HTML: only allowed tags survive, the rest becomes text
const ALLOWED = new Set(["B", "STRONG", "I", "EM", "U", "INS", "S", "STRIKE", "DEL", "CODE",
  "PRE", "BLOCKQUOTE", "A", "TG-SPOILER", "SPAN", "TG-EMOJI"]);
function sanitize(html) {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  const out = document.createDocumentFragment();
  (function walk(src, dst) {
    for (const n of src.childNodes) {
      if (n.nodeType === Node.TEXT_NODE) { dst.appendChild(document.createTextNode(n.data)); continue; }
      if (n.nodeType !== Node.ELEMENT_NODE) continue;
      let e;
      if (!ALLOWED.has(n.tagName)) { dst.appendChild(document.createTextNode(n.textContent)); continue; }
      if (n.tagName === "A") {
        e = document.createElement("a");
        const href = n.getAttribute("href") || "";
        if (/^(https?|tg):\/\//i.test(href)) { e.href = href; e.target = "_blank"; e.rel = "noopener"; }
        e.addEventListener("click", (ev) => { if (deepLink(href)) ev.preventDefault(); });
      } else if (n.tagName === "TG-SPOILER" || n.tagName === "SPAN") {
        e = el("span", "spoiler"); e.onclick = () => e.classList.add("shown");
      } else if (n.tagName === "TG-EMOJI") {
        e = document.createElement("span");
      } else {
        e = document.createElement(n.tagName.toLowerCase());
      }
      walk(n, e); dst.appendChild(e);
    }
  })(doc.body, out);
  return out;
}

// https://t.me/<bot>?start=X  -> "/start X" in my private chat
function deepLink(url) {
  if (!S.bot) return false;
  const m = new RegExp(`^https?://t\\.me/${S.bot.username}\\?start=([\\w-]+)`, "i").exec(url || "");
  if (!m) return false;
  selectChat(S.me.id);
  send(`/start ${m[1]}`);
  return true;
}

// ---- people and chats
async function loadWorld() {
  [S.bot, S.users, S.chats] = await Promise.all([api("bot"), api("users"), api("chats")]);
  const who = $("who"); const keep = S.me && S.me.id;
  who.replaceChildren(...S.users.map((u) => {
    const o = el("option", "", `${u.first_name}${u.last_name ? " " + u.last_name : ""} (${u.language_code || "?"}) #${u.id}`);
    o.value = u.id; return o;
  }));
  const want = keep || Number(params().get("user")) || (S.users[0] && S.users[0].id);
  if (want) who.value = want;
  S.me = S.users.find((u) => u.id === Number(who.value)) || null;
  if (!S.me) status("No people yet: create one with “+ person”.");
  fillChats();
}
function fillChats() {
  const sel = $("chat"); const old = S.chat;
  const opts = [];
  if (S.me) {
    const p = el("option", "", `🤖 ${S.bot.first_name} (private)`); p.value = S.me.id; opts.push(p);
    for (const c of S.chats) {
      if (c.id < 0 && c.members.includes(S.me.id)) {
        const o = el("option", "", `👥 ${c.title}${c.bot_member ? "" : " (no bot)"}`); o.value = c.id; opts.push(o);
      }
    }
  }
  sel.replaceChildren(...opts);
  const want = old || Number(params().get("chat")) || (S.me && S.me.id);
  if ([...sel.options].some((o) => Number(o.value) === want)) sel.value = want;
  const now = Number(sel.value) || null;
  if (now !== S.chat) selectChat(now);
}
function params() { return new URLSearchParams(location.hash.slice(1)); }
function saveHash() { if (S.me) history.replaceState(null, "", `#user=${S.me.id}&chat=${S.chat || ""}`); }

async function selectChat(id) {
  S.chat = id; $("chat").value = id; S.msgs.clear(); S.replyTo = null; saveHash();
  if (!id) { render(); return; }
  for (const m of await api(`messages?chat_id=${id}`)) S.msgs.set(m.message_id, m);
  render(true);
}

// ---- rendering
function render(scroll) {
  const log = $("log");
  const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  log.replaceChildren();
  const msgs = [...S.msgs.values()].sort((a, b) => a.message_id - b.message_id);
  if (!msgs.length && S.me && S.chat === S.me.id) showDescription(log);
  let kb = null;
  for (const m of msgs) {
    log.appendChild(renderMsg(m));
    if (m.from_bot && m.keyboard_markup && !m.deleted) kb = m;
  }
  renderKeyboard(kb);
  $("replyBar").hidden = !S.replyTo;
  if (S.replyTo) $("replyText").textContent = `↩ ${S.replyTo.text || ""}`.slice(0, 80);
  if (scroll || atBottom) log.scrollTop = log.scrollHeight;
}
// an empty private chat shows the bot's description in the person's language, as Telegram does
function showDescription(log) {
  const box = el("div", "msg description");
  log.appendChild(box);
  api(`menu?user_id=${S.me.id}&chat_id=${S.me.id}`).then((p) => {
    box.appendChild(el("div", "who", "What can this bot do?"));
    box.appendChild(el("div", "text", p.description || "(no description)"));
  }).catch(() => box.remove());
}
function renderMsg(m) {
  const mine = S.me && !m.from_bot && m.from && m.from.id === S.me.id;
  const d = el("div", "msg" + (mine ? " mine" : "") + (m.deleted ? " deleted" : ""));
  if (!mine) d.appendChild(el("div", "who", m.from_bot ? `🤖 ${S.bot.first_name}` : m.from.first_name));
  if (m.deleted) { d.appendChild(el("div", "body", "message deleted")); return d; }
  if (m.reply_to_message) d.appendChild(el("div", "quote", (m.reply_to_message.text || m.reply_to_message.caption || "…").slice(0, 100)));
  if (m.photo && m.file_url) { const img = el("img"); img.src = m.file_url; img.alt = "photo"; d.appendChild(img); }
  if (m.document) {
    const a = el("a", "", `📄 ${m.document.file_name || "document"}`);
    if (m.file_url) { a.href = m.file_url; a.download = m.document.file_name || ""; }
    d.appendChild(a);
  }
  if (m.contact) d.appendChild(el("div", "contact", `📞 ${m.contact.first_name}: ${m.contact.phone_number}`));
  if (m.text !== undefined || m.caption !== undefined) {
    const b = el("div", "body"); b.appendChild(sanitize(m.html || "")); d.appendChild(b);
  }
  const rows = m.reply_markup && m.reply_markup.inline_keyboard;
  if (rows) {
    const k = el("div", "ikb");
    for (const row of rows) {
      const r = el("div", "row");
      for (const btn of row) {
        const b = el("button", "", btn.text + (btn.url ? " ↗" : ""));
        b.onclick = () => inlinePress(m, btn);
        r.appendChild(b);
      }
      k.appendChild(r);
    }
    d.appendChild(k);
  }
  const t = new Date(m.date * 1000);
  const meta = el("div", "meta", (m.edit_date ? "edited " : "") + t.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }));
  d.appendChild(meta);
  if (!mine) d.ondblclick = () => { S.replyTo = m; render(); };
  return d;
}
function renderKeyboard(m) {
  const box = $("keyboard");
  const rm = m && m.keyboard_markup;
  if (!rm || !rm.keyboard || S.usedKeyboards.has(m.message_id)) {
    box.hidden = true; box.replaceChildren();
    if (rm && rm.force_reply && !S.usedKeyboards.has(m.message_id)) {
      S.replyTo = S.replyTo || m; $("text").placeholder = rm.input_field_placeholder || "Reply…";
    }
    return;
  }
  $("text").placeholder = rm.input_field_placeholder || "Message";
  box.replaceChildren(...rm.keyboard.map((row) => {
    const r = el("div", "row");
    for (const btn of row) {
      const b = typeof btn === "string" ? { text: btn } : btn;
      const e = el("button", b.request_contact ? "contact" : "", keyLabel(b));
      e.type = "button";
      e.title = keyHint(b);
      e.onclick = async () => {
        if (rm.one_time_keyboard) S.usedKeyboards.add(m.message_id);
        if (b.request_contact) {
          const phone = "+86138" + String(S.me.id).padStart(8, "0").slice(-8);
          if (!confirm(`Share your phone number ${phone} with ${S.bot.first_name}?`)) return;
          await act(() => api("contact", { user_id: S.me.id, chat_id: S.chat, phone_number: phone }));
        } else {
          await send(b.text);
        }
      };
      r.appendChild(e);
    }
    return r;
  }));
  box.hidden = false;
}

// ---- acting
async function act(fn) { try { status(""); return await fn(); } catch (e) { status("⚠ " + e.message); } }
async function send(text) {
  if (!S.me || !text) return;
  const body = { user_id: S.me.id, chat_id: S.chat, text };
  if (S.replyTo) { body.reply_to_message_id = S.replyTo.message_id; S.replyTo = null; }
  const m = await act(() => api("send", body));
  if (m) { S.msgs.set(m.message_id, m); render(true); }
}
async function inlinePress(m, btn) {
  if (btn.url) { if (!deepLink(btn.url)) window.open(btn.url, "_blank", "noopener"); return; }
  if (btn.callback_data === undefined) { toast("This button type is not simulated"); return; }
  const r = await act(() => api("press", { user_id: S.me.id, chat_id: S.chat, message_id: m.message_id,
    callback_data: btn.callback_data }));
  if (r) S.pressed.add(r.callback_query_id);
}

// ---- live updates
async function poll() {
  try { S.seq = (await api("last_seq")).seq; } catch (e) { /* retry below */ }
  for (;;) {
    try {
      const evs = await api(`events?since=${S.seq}&timeout=25`);
      let worldChanged = false, changed = false;
      for (const ev of evs) {
        S.seq = Math.max(S.seq, ev.seq);
        if (ev.type === "user_updated" || ev.type === "chat_updated" || ev.type === "bot_left") worldChanged = true;
        if (ev.type === "callback_answered" && S.pressed.has(ev.callback_query_id)) {
          S.pressed.delete(ev.callback_query_id);
          if (ev.answer && ev.answer.text) toast(ev.answer.text, ev.answer.show_alert);
          if (ev.answer && ev.answer.url) deepLink(ev.answer.url);
        }
        if (ev.chat_id !== S.chat) continue;
        if (ev.message) { S.msgs.set(ev.message.message_id, ev.message); changed = true; }
        if (ev.type === "chat_action") showTyping(ev.action);
        if (ev.type === "message_sent" || ev.type === "photo_sent" || ev.type === "document_sent") showTyping(null);
      }
      if (worldChanged) await loadWorld();
      if (changed) render();
      status("");
    } catch (e) {
      status("⚠ connection lost, retrying…");
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}
function showTyping(action) {
  $("typing").textContent = action ? `${S.bot.first_name} is ${action.replace(/_/g, " ")}…` : "";
  clearTimeout(showTyping.t);
  if (action) showTyping.t = setTimeout(() => { $("typing").textContent = ""; }, 5000);
}

// ---- commands menu: the one this person's client would show in this chat (scope and language,
// chosen by the sandbox as Telegram does), asked for each time it opens
async function commandsFor() {
  if (!S.me || !S.chat) return [];
  return (await api(`menu?user_id=${S.me.id}&chat_id=${S.chat}`)).commands;
}
async function toggleCommands() {
  const menu = $("cmdMenu");
  if (!menu.hidden) { menu.hidden = true; return; }
  const list = await commandsFor();
  menu.replaceChildren(...(list.length ? list : [{ command: "start", description: "" }]).map((c) => {
    const d = el("div"); d.appendChild(el("b", "", "/" + c.command)); d.appendChild(document.createTextNode(" " + c.description));
    d.onclick = () => { menu.hidden = true; send("/" + c.command); };
    return d;
  }));
  menu.hidden = false;
}

// ---- wiring
$("who").onchange = () => { S.me = S.users.find((u) => u.id === Number($("who").value)); S.chat = null; fillChats(); };
$("chat").onchange = () => selectChat(Number($("chat").value));
$("composer").onsubmit = (e) => { e.preventDefault(); const t = $("text").value.trim(); $("text").value = ""; send(t); };
$("replyCancel").onclick = () => { S.replyTo = null; render(); };
$("cmdBtn").onclick = () => toggleCommands().catch((e) => status(e.message));
$("photoBtn").onclick = () => { if (S.me) $("photoFile").click(); };
$("photoFile").onchange = async () => {  // a photo from this device, as a phone sends one
  const f = $("photoFile").files[0];
  $("photoFile").value = "";
  if (!f || !S.me) return;
  const bytes = new Uint8Array(await f.arrayBuffer());
  let bin = "";
  for (let i = 0; i < bytes.length; i += 8192) bin += String.fromCharCode(...bytes.subarray(i, i + 8192));
  const m = await act(() => api("photo", { user_id: S.me.id, chat_id: S.chat, data: btoa(bin), name: f.name }));
  if (m) { S.msgs.set(m.message_id, m); render(true); }
};
$("newUser").onclick = () => { $("newUserForm").reset(); $("newUserDlg").showModal(); };
$("newUserDlg").onclose = async () => {
  if ($("newUserDlg").returnValue !== "ok") return;
  const f = new FormData($("newUserForm"));
  const id = 2000000 + Math.floor(Math.random() * 1e6);
  const u = { id, first_name: f.get("first_name"), language_code: f.get("language_code") };
  for (const k of ["last_name", "username"]) if (f.get(k)) u[k] = f.get(k);
  await act(() => api("users", u));
  S.me = null; S.chat = null; history.replaceState(null, "", `#user=${id}`);
  await loadWorld();
};
loadWorld().then(poll).catch((e) => status("⚠ " + e.message));
