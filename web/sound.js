// Optional cues, all synthesized: a relay click (tach past the redline), a two-note chime
// (a 5-hour window resets) and a spoken line (STALL). Browsers allow audio only after a user
// gesture, so nothing is created until unlock() runs inside one (a click on a toggle, or the
// first tap or key press when a saved preference turned a cue on).

export function createSound() {
  let ctx = null;
  let master = null;

  /** True once the page has had a user gesture: before that, audio and speech only warn. */
  const activated = () => navigator.userActivation?.hasBeenActive ?? true;

  function unlock() {
    if (!activated()) return false;
    const AC = window.AudioContext || window.webkitAudioContext;
    if (!AC) return false;
    if (!ctx) {
      ctx = new AC();
      master = ctx.createGain();
      master.gain.value = 0.5;
      master.connect(ctx.destination);
    }
    if (ctx.state === 'suspended') ctx.resume().catch(() => {});
    return true;
  }

  const ready = () => ctx && ctx.state !== 'closed';

  /** A decaying noise burst through a band-pass: one metallic tick of the armature. */
  function tick(at, gain, freq, decay) {
    const len = Math.ceil(ctx.sampleRate * decay * 6);
    const buf = ctx.createBuffer(1, len, ctx.sampleRate);
    const data = buf.getChannelData(0);
    for (let i = 0; i < len; i++) data[i] = (Math.random() * 2 - 1) * Math.exp(-i / (ctx.sampleRate * decay));
    const src = ctx.createBufferSource();
    src.buffer = buf;
    const bp = ctx.createBiquadFilter();
    bp.type = 'bandpass';
    bp.frequency.value = freq;
    bp.Q.value = 1.4;
    const g = ctx.createGain();
    g.gain.value = gain;
    src.connect(bp).connect(g).connect(master);
    src.start(at);
  }

  /** A struck bell: a few inharmonic partials, each dying away faster than the last. */
  function bell(at, f, gain) {
    [
      [1, 1, 1.8],
      [2.76, 0.32, 0.9],
      [5.4, 0.12, 0.45],
    ].forEach(([ratio, amp, decay]) => {
      const o = ctx.createOscillator();
      o.frequency.value = f * ratio;
      const g = ctx.createGain();
      g.gain.setValueAtTime(0.0001, at);
      g.gain.exponentialRampToValueAtTime(gain * amp, at + 0.006);
      g.gain.exponentialRampToValueAtTime(0.0001, at + decay);
      o.connect(g).connect(master);
      o.start(at);
      o.stop(at + decay + 0.05);
    });
  }

  return {
    unlock,

    relay() {
      if (!ready()) return;
      const t = ctx.currentTime + 0.01;
      tick(t, 1.6, 2600, 0.0022); // armature slams onto the core
      tick(t + 0.012, 0.55, 3900, 0.0015); // contact bounce
      const o = ctx.createOscillator(); // the thump of the frame
      o.frequency.setValueAtTime(170, t);
      o.frequency.exponentialRampToValueAtTime(55, t + 0.05);
      const g = ctx.createGain();
      g.gain.setValueAtTime(0.35, t);
      g.gain.exponentialRampToValueAtTime(0.0001, t + 0.06);
      o.connect(g).connect(master);
      o.start(t);
      o.stop(t + 0.08);
    },

    chime() {
      if (!ready()) return;
      const t = ctx.currentTime + 0.01;
      bell(t, 1046.5, 0.22); // C6
      bell(t + 0.32, 784, 0.22); // G5
    },

    say(text) {
      if (!('speechSynthesis' in window) || !activated()) return;
      window.speechSynthesis.cancel();
      const u = new SpeechSynthesisUtterance(text);
      u.rate = 0.95;
      u.pitch = 0.9;
      window.speechSynthesis.speak(u);
    },
  };
}
