// The virtual cluster: the daemon's live snapshots go into the shared cluster model (the same
// one the ESP32 firmware runs), and every animation frame draws the model's needles and lamps.
// Needles are never set from the payload: they move only as the model's motors move them.
import { createCluster } from './model.js';
import { connect } from './connection.js';
import { fmtTime } from './format.js';
import { GAUGES, LAMPS } from './gauges.js';
import { createPanel } from './panel.js';
import { prefs } from './prefs.js';
import { SKINS, skinById } from './skins/index.js';
import { createSound } from './sound.js';
import { createTooltip } from './tooltip.js';

const STALL_LINE = 'Claude appears to be thinking. Or possibly dead.';
const LOST_LINE = 'The gauge daemon is unreachable.';
/** At most this much model time per step, so a tab back from the background does not spin. */
const MAX_CATCH_UP_MS = 2000;

const params = new URLSearchParams(location.search);
// ?daemon=http://host:8080 points the page at another daemon (/events and /usage allow any origin).
const base = (params.get('daemon') ?? '').replace(/\/+$/, '');

const root = document.querySelector('[data-cluster]');
const statusEl = document.querySelector('[data-status]');
const detailEl = document.querySelector('[data-detail]');
const skinButton = document.querySelector('[data-skin-switch]');
const soundButton = document.querySelector('[data-sound-toggle]');
const voiceButton = document.querySelector('[data-voice-toggle]');

const cluster = createCluster();
const panel = createPanel(root);
const sound = createSound();

// Model time: performance.now(), except that a gap longer than MAX_CATCH_UP_MS is cut short
// (the model runs a 1 ms tick loop, and a needle settles in well under a second anyway).
let skew = 0;
let modelNow = 0;
function clock() {
  let t = performance.now() - skew;
  if (t - modelNow > MAX_CATCH_UP_MS) {
    skew += t - modelNow - MAX_CATCH_UP_MS;
    t = modelNow + MAX_CATCH_UP_MS;
  }
  modelNow = Math.max(modelNow, t);
  return modelNow;
}

// ---- skins -------------------------------------------------------------------------------

function applySkin(id, save) {
  const skin = skinById(id);
  document.body.dataset.skin = skin.id;
  panel.setSkin(skin);
  const next = SKINS[(SKINS.indexOf(skin) + 1) % SKINS.length];
  skinButton.textContent = `Skin: ${skin.name}`;
  skinButton.setAttribute('aria-label', `Skin: ${skin.name}. Switch to ${next.name}`);
  if (save) prefs.set('skin', skin.id);
}
applySkin(params.get('skin') ?? prefs.get('skin', 'classic'), false);
skinButton.addEventListener('click', () => {
  const i = SKINS.findIndex((s) => s.id === document.body.dataset.skin);
  applySkin(SKINS[(i + 1) % SKINS.length].id, true);
});
root.dataset.ready = '';

// ---- sound and voice toggles --------------------------------------------------------------

const cues = { sound: prefs.get('sound', 'off') === 'on', voice: prefs.get('voice', 'off') === 'on' };
function showToggles() {
  soundButton.setAttribute('aria-pressed', String(cues.sound));
  voiceButton.setAttribute('aria-pressed', String(cues.voice));
  soundButton.textContent = `Sound: ${cues.sound ? 'on' : 'off'}`;
  voiceButton.textContent = `Voice: ${cues.voice ? 'on' : 'off'}`;
}
showToggles();
soundButton.addEventListener('click', () => {
  cues.sound = !cues.sound;
  prefs.set('sound', cues.sound ? 'on' : 'off');
  showToggles();
  if (cues.sound && sound.unlock()) sound.relay(); // the click itself is the gesture; a sample
});
voiceButton.addEventListener('click', () => {
  cues.voice = !cues.voice;
  prefs.set('voice', cues.voice ? 'on' : 'off');
  showToggles();
  if (cues.voice) sound.say('Voice on.');
});
// A saved "on" needs a gesture of this visit before audio may start.
const unlockOnce = () => {
  if (cues.sound) sound.unlock();
};
document.addEventListener('pointerdown', unlockOnce, { once: true, capture: true });
document.addEventListener('keydown', unlockOnce, { once: true, capture: true });

// ---- tooltips ---------------------------------------------------------------------------

let payload = null;
let lastState = cluster.state();
const tooltip = createTooltip(document.getElementById('tip'), [...panel.figures, ...panel.lamps], (target) => {
  const g = GAUGES.find((s) => s.id === target.dataset.gauge);
  if (g) return { title: g.title === 'THINKING' ? 'THINKING/OUTPUT' : g.title, lines: g.describe(payload) };
  const l = LAMPS.find((s) => s.id === target.dataset.lamp);
  return { title: `${l.label} lamp`, lines: l.describe(payload, lastState) };
});

// ---- status line ------------------------------------------------------------------------

let status = null;
function setStatus(kind, text) {
  if (status === `${kind}:${text}`) return;
  status = `${kind}:${text}`;
  statusEl.dataset.state = kind;
  statusEl.textContent = text;
}
setStatus('connecting', 'connecting to the daemon…');

function showDetail() {
  if (!payload) return;
  const bits = [payload.last_model_id ?? 'no model yet', `updated ${fmtTime(payload.updated_at)}`, `seq ${payload.seq}`];
  if (payload.source && !payload.source.ok) bits.push(`source: ${(payload.source.problems ?? []).join('; ')}`);
  detailEl.textContent = bits.join(' · ');
}

// ---- cues from the data -----------------------------------------------------------------

let blockStart; // undefined until the first payload: its block is not news
let chimedAt = -Infinity;
let chimedResetFor = null;
const loadedAt = Date.now();

function chime() {
  if (performance.now() - chimedAt < 60_000) return; // one reset, one chime
  chimedAt = performance.now();
  if (cues.sound) sound.chime();
}

function cuesFromPayload(prev, p) {
  if (cues.sound && prev && !prev.hot && p.hot) sound.relay();
  const start = p.window_5h_block_start;
  if (blockStart !== undefined && start && start !== blockStart) chime();
  if (blockStart === undefined || start) blockStart = start ?? null;
}

let spokenAt = -Infinity;
let stallWas = true; // STALL is lit before the first data: that is no news
let resetCheckAt = 0;
function cuesFromState(s) {
  if (s.lamps.stall && !stallWas && performance.now() - spokenAt > 20_000 && cues.voice) {
    spokenAt = performance.now();
    sound.say(s.lost ? LOST_LINE : STALL_LINE);
  }
  stallWas = s.lamps.stall;
  // The window's reset time passing is a reset too, even before the daemon's next snapshot.
  if (payload?.window_5h_resets_at && performance.now() > resetCheckAt) {
    resetCheckAt = performance.now() + 1000;
    const at = Date.parse(payload.window_5h_resets_at);
    if (at > loadedAt && Date.now() >= at && chimedResetFor !== payload.window_5h_resets_at) {
      chimedResetFor = payload.window_5h_resets_at;
      chime();
    }
  }
}

// ---- the link ---------------------------------------------------------------------------

connect(base, {
  onUsage(p) {
    const prev = payload;
    payload = p;
    cluster.feed(clock(), p);
    panel.setPayload(p, false);
    cuesFromPayload(prev, p);
    setStatus('live', p.source && !p.source.ok ? 'live · transcripts unreadable' : 'live');
    showDetail();
    tooltip.refresh();
  },
  onAlive() {
    // Unchanged snapshot: tell the model the data is still fresh, or it would call it stale.
    if (payload) cluster.feed(clock(), payload);
    setStatus('live', payload?.source && !payload.source.ok ? 'live · transcripts unreadable' : 'live');
  },
  onLost() {
    cluster.feed(clock(), null, 'lost');
    panel.setPayload(null, true);
    setStatus('lost', 'daemon unreachable — reconnecting…');
    lastState = cluster.state();
    tooltip.refresh();
  },
});

// ---- every frame ------------------------------------------------------------------------

function frame() {
  cluster.advance(clock());
  lastState = cluster.state();
  panel.render(lastState);
  if (lastState.stale && !lastState.lost && payload) setStatus('stale', 'connected, but no data for 5 s');
  cuesFromState(lastState);
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);

// For debugging in the console, not an API.
window.claudeGauge = { cluster, panel };
