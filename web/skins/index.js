// The skins a page can wear, in switch order. Each supplies shared SVG defs and a gauge builder.
import { classic } from './classic.js';
import { vfd } from './vfd.js';

export const SKINS = [classic, vfd];
export const skinById = (id) => SKINS.find((s) => s.id === id) ?? SKINS[0];
