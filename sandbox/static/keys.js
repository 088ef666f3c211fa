// How a reply-keyboard button reads, as Telegram shows it: its text, nothing added. A button that
// shares the phone number is marked by its style (class "contact") and tooltip, never by an extra
// emoji: the bot's own label may already carry one ("📱 Share my phone number").
function keyLabel(b) {
  return b.text;
}
function keyHint(b) {
  return b.request_contact ? "Shares your phone number" : b.request_location ? "Shares your location" : "";
}
if (typeof module !== "undefined") module.exports = { keyLabel, keyHint };
