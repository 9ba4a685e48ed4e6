#!/usr/bin/env node
// The entry point is claude-gauge.cjs (see there why); this name stays for the commands already
// written into Claude Code settings and service files by earlier versions.
import './claude-gauge.cjs';
